"""Public pages of the open data portal: search, a data set, a file to download."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from jichitai.opendata import selectors
from jichitai.opendata.ckan.errors import ActionError
from jichitai.opendata.datastore.selectors import datastore_table
from jichitai.opendata.forms import FACETS, DatasetSearchForm
from jichitai.opendata.licences import licence_by_id
from jichitai.opendata.models import Dataset, Resource, State
from jichitai.opendata.policies import datasets_visible_to
from jichitai.opendata.previews import selectors as previews
from jichitai.opendata.previews.columns import chart_columns
from jichitai.opendata.previews.forms import ChartForm

PAGE_SIZE = 20
TABLE_PAGE_ROWS = 50
FACET_TITLES = {
    "organization": gettext_lazy("担当課"),
    "groups": gettext_lazy("分類"),
    "tags": gettext_lazy("タグ"),
    "res_format": gettext_lazy("形式"),
    "license_id": gettext_lazy("ライセンス"),
}

EXTENSIONS = {"CSV": "csv", "PDF": "pdf", "JSON": "json", "GEOJSON": "geojson"}


@require_safe
def resource_download(
    request: HttpRequest, dataset_id: uuid.UUID, resource_id: uuid.UUID
) -> FileResponse:
    """The published file of a resource: the checked UTF-8 copy of a table, else the upload."""
    resource = get_object_or_404(
        Resource.objects.select_related("dataset", "published_file"),
        pk=resource_id,
        dataset_id=dataset_id,
        dataset__in=datasets_visible_to(request.user),
        state=State.ACTIVE,
    )
    published = resource.published_file
    if published is None:
        raise Http404
    # F() so concurrent downloads are all counted (no read-modify-write race).
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
    name = published.published_storage_name or published.original_storage_name
    kind = published.published_format
    extension = EXTENSIONS.get(kind, "bin")
    content_type = "text/csv; charset=utf-8" if kind == "CSV" else published.media_type
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"{resource.dataset.name}-{resource.position + 1}.{extension}",
        content_type=content_type,
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """データを探す: words and facets, as links that work without JavaScript."""
    form = DatasetSearchForm(request.GET or None)
    status = 200
    query, filters = "", {}
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        query, filters = form.cleaned_data["q"], form.filters()
    try:
        datasets, facets = selectors.search(request.user, query, filters)
    except ActionError:
        # Words that read as query syntax the search does not know: say so, show nothing.
        form.add_error("q", _("この言葉では検索できません。記号を除いて探してください。"))
        datasets, facets, status = Dataset.objects.none(), [], 400
    page = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page"))
    # Links keep the words and chosen facets, without the page number or empty fields.
    base = QueryDict(mutable=True)
    for key in request.GET:
        value = request.GET.get(key, "")
        if value and key != "page":
            base[key] = value
    facet_groups = [
        (FACET_TITLES[field], [(item, _toggled(base, item)) for item in items])
        for field, items in zip(FACETS, facets, strict=False)
        if items
    ]
    return render(
        request,
        "opendata/search.html",
        {
            "form": form,
            "page": page,
            "query": base.urlencode(),
            "facet_groups": facet_groups,
            "searched": form.is_bound,
        },
        status=status,
    )


def _toggled(query: QueryDict, item: selectors.FacetItem) -> str:
    """The search address with this facet value chosen, or released when already chosen."""
    changed = query.copy()
    if item.active:
        changed.pop(item.field, None)
    else:
        changed[item.field] = item.value
    return changed.urlencode()


@dataclass(frozen=True)
class ResourceView:
    """A resource on its data set's page with its previews (each None when it has none)."""

    resource: Resource
    table: tuple[list[str], list[list[str]]] | None
    map: previews.MapPreview | None
    chart: previews.ChartPreview | None
    chart_form: ChartForm | None


def _resource_view(request: HttpRequest, resource: Resource, number: int) -> ResourceView:
    fields = previews.fields_of(resource)
    columns = chart_columns(fields)
    form = chart = None
    if columns is not None:
        # The prefix keeps each table's choice in its own query parameters (chart1-value, …).
        form = ChartForm(request.GET, columns=columns, prefix=f"chart{number}")
        chart = previews.chart_preview(resource, *form.choice())
    return ResourceView(
        resource,
        selectors.preview(resource),
        previews.map_preview(resource, fields),
        chart,
        form,
    )


@require_safe
def dataset_detail(request: HttpRequest, name: str) -> HttpResponse:
    dataset = selectors.dataset_for_page(request.user, name)
    if dataset is None:
        raise Http404
    resources = [
        _resource_view(request, resource, number)
        for number, resource in enumerate(selectors.resources_of(dataset), 1)
    ]
    # A chart choice naming no column of the table: the page says so beside the form.
    invalid = any(item.chart_form and item.chart_form.errors for item in resources)
    licence = licence_by_id(dataset.license_id)
    api_url = request.build_absolute_uri(
        reverse("opendata:action", kwargs={"name": "package_show"}) + f"?id={dataset.name}"
    )
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": dataset,
            "resources": resources,
            "chart_error": invalid,
            "has_map": any(item.map for item in resources) and settings.JICHITAI_MAP_TILE_URL,
            "map_tiles": {
                "url": settings.JICHITAI_MAP_TILE_URL,
                "attribution": settings.JICHITAI_MAP_TILE_ATTRIBUTION,
                "attribution_url": settings.JICHITAI_MAP_TILE_ATTRIBUTION_URL,
                "max_zoom": settings.JICHITAI_MAP_TILE_MAX_ZOOM,
            },
            "licence": licence,
            "api_url": api_url,
            "site_url": request.build_absolute_uri("/").rstrip("/"),
        },
        status=400 if invalid else 200,
    )


@require_safe
def resource_detail(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    """A resource's page: its download and its whole table, paged from the datastore."""
    resource = selectors.resource_for_page(request.user, name, resource_id)
    if resource is None:
        raise Http404
    rows = selectors.TableRows(resource) if datastore_table(resource) else None
    page: Any = None
    if rows is not None:
        page = Paginator(rows, TABLE_PAGE_ROWS).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(
        request,
        "opendata/resource.html",
        {
            "dataset": resource.dataset,
            "resource": resource,
            "labels": rows.labels if rows is not None else [],
            "page": page,
            "query": "",
        },
    )
