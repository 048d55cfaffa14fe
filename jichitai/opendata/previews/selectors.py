"""Reading a resource's rows for its previews, through the datastore's `search_rows` (the
same rows, in the same order, as `datastore_search` answers)."""

from __future__ import annotations

from dataclasses import dataclass

from jichitai.opendata.datastore.columns import DatastoreField
from jichitai.opendata.datastore.selectors import (
    NotLoaded,
    datastore_table,
    search_rows,
    table_fields,
)
from jichitai.opendata.models import Resource
from jichitai.opendata.previews.chart import Chart, Kind, as_number, layout
from jichitai.opendata.previews.columns import place_columns
from jichitai.opendata.previews.places import Place, places_from

# A map of more markers is slow on an old phone and no easier to read; the page says so.
MAP_ROWS = 1000
# A chart of more bars than this is unreadable; it shows the first rows and says so.
CHART_ROWS = 50


def fields_of(resource: Resource) -> list[DatastoreField]:
    """The columns of the resource's loaded table; none when it has no table."""
    try:
        return table_fields(resource)
    except NotLoaded:
        return []


def _row_count(resource: Resource) -> int:
    # Counted when the table was loaded: no COUNT(*) over a million rows on each page view.
    table = datastore_table(resource)
    return table.row_count if table is not None else 0


@dataclass(frozen=True)
class MapPreview:
    places: list[Place]
    rows_read: int  # the first rows of the table the map looked at
    total: int  # rows in the table
    has_address: bool

    @property
    def capped(self) -> bool:
        return self.total > self.rows_read


def map_preview(resource: Resource, fields: list[DatastoreField]) -> MapPreview | None:
    """The places in the first MAP_ROWS rows, when the table has latitude and longitude."""
    columns = place_columns(fields)
    if columns is None:
        return None
    found = search_rows(resource, fields=columns.ids, limit=MAP_ROWS, include_total=False)
    places = places_from(found.records, columns)
    if not places:
        return None
    return MapPreview(places, len(found.rows), _row_count(resource), columns.address is not None)


@dataclass(frozen=True)
class ChartPreview:
    chart: Chart
    value: DatastoreField
    label: DatastoreField | None  # None: the rows are named by their number
    rows_read: int
    total: int

    @property
    def capped(self) -> bool:
        return self.total > self.rows_read


def chart_preview(
    resource: Resource, value: DatastoreField, label: DatastoreField | None, kind: Kind
) -> ChartPreview | None:
    """The value column of the first CHART_ROWS rows, labelled by the label column (or by
    row number); None when none of those rows has a number in it."""
    ids = [label.id, value.id] if label else [value.id]
    found = search_rows(resource, fields=ids, limit=CHART_ROWS, include_total=False)
    rows = [
        (_label(record, label, number), as_number(record[value.id]))
        for number, record in enumerate(found.records, 1)
    ]
    chart = layout(kind, rows)
    if chart is None:
        return None
    return ChartPreview(chart, value, label, len(found.rows), _row_count(resource))


def _label(record: dict[str, object], label: DatastoreField | None, number: int) -> str:
    if label is None:
        return str(number)
    cell = record[label.id]
    return "" if cell is None else str(cell)
