"""Reading the datastore (データストア): which resources a user may query, and their rows.

The portal's previews (table, map, chart) and the CKAN datastore actions both read through
`search_rows`, so they see the same rows in the same order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from jichitai.opendata.datastore.columns import DatastoreField
from jichitai.opendata.datastore.loader import describe
from jichitai.opendata.datastore.query import QueryError, Search, run
from jichitai.opendata.models import DatastoreTable, Resource, State
from jichitai.opendata.policies import datasets_visible_to

DEFAULT_LIMIT = 100
MAX_LIMIT = 32_000


class NotLoaded(QueryError):
    """The resource has no datastore table (not a table, or not loaded yet)."""

    def __init__(self) -> None:
        super().__init__("resource_id", "Resource has no datastore table")


@dataclass(frozen=True)
class SearchResult:
    """Rows of a resource's table. `fields` are dicts with `id` and `type` (CKAN's field
    dicts), `rows` tuples in the fields' order, `total` the number of matching rows (None
    when not asked for)."""

    fields: list[dict[str, str]]
    rows: list[tuple[Any, ...]]
    total: int | None

    @property
    def records(self) -> list[dict[str, Any]]:
        names = [field["id"] for field in self.fields]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


def datastore_resource_visible_to(user: Any, resource_id: str) -> Resource | None:
    """The resource with this id if the user may read its data set (one visibility rule with
    the catalogue: drafts and private data sets only for their department's staff), with its
    datastore table; None otherwise, loaded or not."""
    try:
        key = uuid.UUID(str(resource_id))
    except ValueError:
        return None
    return (
        Resource.objects.filter(pk=key, dataset__in=datasets_visible_to(user))
        .exclude(state=State.DELETED)
        .select_related("dataset", "datastore_table")
        .first()
    )


def readable_tables(user: Any, names: set[str]) -> set[str]:
    """Which of these table names (resource ids) are loaded tables the user may read."""
    keys = set()
    for name in names:
        try:
            keys.add(uuid.UUID(name))
        except ValueError:
            continue
    found = (
        Resource.objects.filter(
            pk__in=keys, datastore_active=True, dataset__in=datasets_visible_to(user)
        )
        .exclude(state=State.DELETED)
        .values_list("pk", flat=True)
    )
    return {str(pk) for pk in found} & names


def field_types_of(table_names: list[str]) -> dict[str, str]:
    """Field id → datastore type over these tables (for typing SQL results)."""
    types: dict[str, str] = {"_id": "int"}
    keys = []
    for name in table_names:
        try:
            keys.append(uuid.UUID(name))
        except ValueError:
            continue
    for fields in DatastoreTable.objects.filter(resource_id__in=keys).values_list(
        "fields", flat=True
    ):
        types.update({field["id"]: field["type"] for field in fields})
    return types


def datastore_table(resource: Resource) -> DatastoreTable | None:
    """The resource's loaded table, if it has one."""
    if not resource.datastore_active:
        return None
    try:
        return resource.datastore_table
    except DatastoreTable.DoesNotExist:
        return None


def table_fields(resource: Resource) -> list[DatastoreField]:
    """The loaded table's columns (without `_id`); raises NotLoaded."""
    table = datastore_table(resource)
    if table is None:
        raise NotLoaded
    return describe(table.fields)


def search_rows(
    resource: Resource,
    *,
    fields: list[str] | None = None,
    filters: dict[str, Any] | None = None,
    q: str | dict[str, str] | None = None,
    sort: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    distinct: bool = False,
    include_total: bool = True,
) -> SearchResult:
    """Rows of a resource's datastore table, as `datastore_search` answers them.

    The caller has checked that the user may read the resource
    (`datastore_resource_visible_to`). `filters` maps field ids to a value or a list of
    values (any of them); `q` is text found anywhere in a row, or a dict of field id → text;
    `sort` is CKAN's `"field desc, other"`; rows are ordered by `_id` after the sort, so
    paging with `offset` is stable. `limit` is capped at 32,000. Raises NotLoaded, or
    QueryError naming the parameter at fault.
    """
    found = run(
        str(resource.pk),
        table_fields(resource),
        Search(
            fields=fields,
            filters=filters,
            q=q,
            sort=sort,
            limit=max(0, min(limit, MAX_LIMIT)),
            offset=max(0, offset),
            distinct=distinct,
            include_total=include_total,
        ),
    )
    return SearchResult(
        [{"id": field.id, "type": field.type} for field in found.fields], found.rows, found.total
    )
