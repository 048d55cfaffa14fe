"""DCAT documents (thin): parse the page or name, one selector, the graph, the bytes."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from jichitai.opendata.dcat import selectors
from jichitai.opendata.dcat.graph import catalog_graph, dataset_graph
from jichitai.opendata.dcat.serializers import FORMATS, serialize
from jichitai.opendata.models import Resource, State
from jichitai.opendata.policies import published_datasets

BAD_PAGE = "page must be a positive integer starting at 1 (page は 1 以上の整数です)"
BAD_MODIFIED_SINCE = (
    "modified_since must be an ISO 8601 date or date and time, e.g. 2025-04-01 or"
    " 2025-04-01T09:00:00+09:00 (modified_since は ISO 8601 形式の日付または日時です)"
)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _document(graph_bytes: bytes, extension: str) -> HttpResponse:
    response = HttpResponse(graph_bytes, content_type=FORMATS[extension].content_type)
    # Public documents: tools running in browsers on other sites may read them too.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _modified_since(raw: str) -> dt.datetime | None:
    """An ISO date or date and time; without a zone it is UTC, as CKAN's timestamps are.
    Raises ValueError when it is neither."""
    if len(raw) > 40:
        raise ValueError(raw)
    if "T" in raw:
        # An unencoded "+09:00" arrives as " 09:00" (a plus in a query string is a space).
        raw = raw.replace(" ", "+")
    moment = parse_datetime(raw) if "T" in raw else None
    if moment is None:
        day = parse_date(raw)
        if day is None:
            raise ValueError(raw)
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _page_number(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    number = int(raw)
    return number if number >= 1 else None


@require_safe
def catalog(request: HttpRequest, extension: str) -> HttpResponse:
    """`/catalog.<ext>?page=N&modified_since=<ISO date>`: the catalogue with 100 published
    data sets per page; a page that is not a positive integer or a date that is not one is a
    400, a page past the last a 404."""
    number = _page_number(request.GET.get("page"))
    if number is None:
        return HttpResponseBadRequest(BAD_PAGE, content_type="text/plain; charset=utf-8")
    raw_since = request.GET.get("modified_since", "")
    since = None
    if raw_since:
        try:
            since = _modified_since(raw_since)
        except ValueError:
            return HttpResponseBadRequest(
                BAD_MODIFIED_SINCE, content_type="text/plain; charset=utf-8"
            )
    try:
        page = selectors.catalog_page(number, modified_since=since)
    except selectors.PageOutOfRange:
        raise Http404 from None
    page_url = request.build_absolute_uri(request.path)
    query = {"modified_since": raw_since} if since else {}
    graph = catalog_graph(_base(request), page, page_url, query)
    return _document(serialize(graph, extension), extension)


@require_safe
def dataset(request: HttpRequest, reference: str, extension: str) -> HttpResponse:
    """`/dataset/<name or id>.<ext>`: one published data set; drafts and private ones 404."""
    found = selectors.published_dataset(reference)
    if found is None:
        raise Http404
    return _document(serialize(dataset_graph(_base(request), found), extension), extension)


@require_safe
def catalog_uri(request: HttpRequest) -> HttpResponse:
    """The catalogue's URI, looked up in a browser: the portal's search page."""
    return redirect("opendata:search")


@require_safe
def dataset_uri(request: HttpRequest, dataset_id: uuid.UUID) -> HttpResponse:
    """A data set's URI (by id, which never changes), looked up: its page."""
    found = published_datasets().filter(pk=dataset_id).only("name").first()
    if found is None:
        raise Http404
    return redirect("opendata:dataset", name=found.name)


@require_safe
def distribution_uri(
    request: HttpRequest, dataset_id: uuid.UUID, resource_id: uuid.UUID
) -> HttpResponse:
    """A distribution's URI, looked up: its resource's page."""
    resource = (
        Resource.objects.filter(
            pk=resource_id,
            dataset_id=dataset_id,
            dataset__in=published_datasets(),
            state=State.ACTIVE,
        )
        .select_related("dataset")
        .only("pk", "dataset__name")
        .first()
    )
    if resource is None:
        raise Http404
    return redirect(
        reverse(
            "opendata:resource",
            kwargs={"name": resource.dataset.name, "resource_id": resource.pk},
        )
    )
