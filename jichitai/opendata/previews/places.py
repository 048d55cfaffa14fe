"""Points for the map preview: a place's name, address and coordinates from a table row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jichitai.opendata.previews.chart import as_number
from jichitai.opendata.previews.columns import PlaceColumns


@dataclass(frozen=True)
class Place:
    row: int  # the row's number in the table, from 1
    name: str
    address: str
    latitude: float
    longitude: float


def places_from(records: Iterable[dict[str, Any]], columns: PlaceColumns) -> list[Place]:
    """The rows with usable coordinates (both present, on the globe), in table order.

    A row without a name gets none here; the page names it by its row number.
    """
    places = []
    for row, record in enumerate(records, 1):
        latitude = as_number(record.get(columns.latitude.id))
        longitude = as_number(record.get(columns.longitude.id))
        if latitude is None or longitude is None:
            continue
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            continue
        name = record.get(columns.name.id) if columns.name else None
        address = record.get(columns.address.id) if columns.address else None
        places.append(
            Place(row, str(name or "").strip(), str(address or "").strip(), latitude, longitude)
        )
    return places
