"""Reads for the portal pages: searching data sets with facet counts, one data set, a preview."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, QuerySet

from jichitai.accounts.policies import departments_visible_to
from jichitai.opendata.ckan.package_search import (
    SearchRequest,
    display_names,
    facet_counts,
    matching_datasets,
    text_narrowing,
)
from jichitai.opendata.datastore.selectors import (
    NotLoaded,
    datastore_table,
    search_rows,
    table_fields,
)
from jichitai.opendata.forms import FACETS
from jichitai.opendata.models import (
    PUBLISHED_FILE_FAILING,
    Dataset,
    Resource,
    ResourceFile,
    State,
)
from jichitai.opendata.policies import datasets_visible_to

PREVIEW_ROWS = 20
FACET_LIMIT = 10


@dataclass(frozen=True)
class FacetItem:
    field: str
    value: str
    label: str
    count: int
    active: bool


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def search(
    user: Any, query: str, filters: dict[str, str]
) -> tuple[QuerySet[Dataset], list[list[FacetItem]]]:
    """Published data sets matching the words and the chosen facet values, newest first, and
    the facet counts over those matches."""
    fq = " ".join(f"{field}:{_quoted(value)}" for field, value in filters.items())
    request = SearchRequest.from_data({"q": query, "fq": fq})
    matches = matching_datasets(user, request)
    facets = []
    _, counts_by_field = facet_counts(
        matches,
        list(FACETS),
        limit=FACET_LIMIT,
        mincount=1,
        narrowing=text_narrowing(user, request),
    )
    for field, counts in counts_by_field.items():
        names = display_names(field, [value for value, _ in counts])
        facets.append(
            [
                FacetItem(field, value, names.get(value, value), count, filters.get(field) == value)
                for value, count in counts
            ]
        )
    datasets = (
        matches.select_related("owner_org")
        .prefetch_related("tags", "resources")
        .order_by("-metadata_modified", "pk")
    )
    return datasets, facets


def dataset_for_page(user: Any, name: str) -> Dataset | None:
    return (
        datasets_visible_to(user)
        .filter(name=name)
        .select_related("owner_org")
        .prefetch_related("tags", "groups")
        .first()
    )


def resource_for_page(user: Any, name: str, resource_id: Any) -> Resource | None:
    """A resource of a data set the user may read, by the data set's name and its id."""
    return (
        Resource.objects.filter(
            pk=resource_id,
            dataset__name=name,
            dataset__in=datasets_visible_to(user),
            state=State.ACTIVE,
        )
        .select_related("dataset", "published_file", "datastore_table")
        .first()
    )


def resources_of(dataset: Dataset) -> list[Resource]:
    return list(
        dataset.resources.filter(state=State.ACTIVE)
        .select_related("published_file", "datastore_table")
        .order_by("position")
    )


PREVIEW_BYTES = 256 * 1024


def preview(resource: Resource) -> tuple[list[str], list[list[str]]] | None:
    """The header and first rows of a published table, for a quick look on the page: from
    the datastore once the table is loaded (values as the file had them), else from the
    published CSV."""
    if resource.datastore_active:
        loaded = table_page(resource, 0, PREVIEW_ROWS)
        if loaded is not None:
            return loaded
    published = resource.published_file
    if published is None or not published.published_storage_name:
        return None
    with default_storage.open(published.published_storage_name, "rb") as handle:
        chunk = handle.read(PREVIEW_BYTES)
    rows = list(csv.reader(io.StringIO(chunk.decode("utf-8-sig", errors="ignore"), newline="")))
    if len(chunk) == PREVIEW_BYTES:
        rows = rows[:-1]  # The read may have stopped inside the last row.
    if not rows:
        return None
    return rows[0], rows[1 : PREVIEW_ROWS + 1]


def table_page(
    resource: Resource, offset: int, limit: int
) -> tuple[list[str], list[list[str]]] | None:
    """Header labels and rows (as display text) of a loaded table, in `_id` order."""
    try:
        fields = table_fields(resource)
        found = search_rows(
            resource,
            fields=[field.id for field in fields],
            limit=limit,
            offset=offset,
            include_total=False,
        )
    except NotLoaded:
        return None
    return [field.label or field.id for field in fields], [
        [_display(value) for value in row] for row in found.rows
    ]


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class TableRows:
    """A loaded table's rows as a sequence Django's Paginator pages through: the length is
    one COUNT, each page one query for its rows."""

    def __init__(self, resource: Resource) -> None:
        self.resource = resource
        self.labels: list[str] = [f.label or f.id for f in table_fields(resource)]
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            table = datastore_table(self.resource)
            self._count = table.row_count if table else 0
        return self._count

    def __getitem__(self, window: slice) -> list[list[str]]:
        start = window.start or 0
        page = table_page(self.resource, start, (window.stop or start) - start)
        return page[1] if page else []


def datasets_editable_by(user: Any) -> QuerySet[Dataset]:
    """The data sets of this member of staff's departments, newest change first."""
    return (
        datasets_visible_to(user)
        .filter(owner_org__in=departments_visible_to(user))
        .select_related("owner_org")
        .order_by("-metadata_modified", "pk")
    )


def datasets_for_staff_list(user: Any) -> QuerySet[Dataset]:
    """As datasets_editable_by, each marked `needs_attention` when a resource's published
    file no longer passes its check (its data set declared a standard it fails): it stays
    published, and the list says so."""
    failing = Resource.objects.filter(dataset=OuterRef("pk"), state=State.ACTIVE).filter(
        PUBLISHED_FILE_FAILING
    )
    return datasets_editable_by(user).annotate(needs_attention=Exists(failing))


def failing_published_files(resources: list[Resource]) -> list[tuple[Resource, ResourceFile]]:
    """The resources (from resources_of) whose published file no longer passes its check,
    each with that file: residents still get it; staff must replace it or change the data
    set's declared standard."""
    return [
        (resource, resource.published_file)
        for resource in resources
        if resource.published_file is not None and resource.published_file.fails_its_check
    ]


def editable_dataset(user: Any, name: str) -> Dataset | None:
    return datasets_editable_by(user).filter(name=name).first()


def recent_files(resource: Resource, count: int = 5) -> list[ResourceFile]:
    return list(
        resource.files.select_related("uploaded_by").order_by("-uploaded_at", "-pk")[:count]
    )


def editable_file(user: Any, name: str, file_id: int) -> ResourceFile | None:
    return (
        ResourceFile.objects.filter(
            pk=file_id,
            resource__dataset__in=datasets_editable_by(user),
            resource__dataset__name=name,
        )
        .select_related("resource__dataset")
        .first()
    )
