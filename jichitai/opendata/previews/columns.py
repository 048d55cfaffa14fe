"""Which columns of a table a preview can use: coordinates and place names for a map,
numbers and labels for a chart.

Columns are recognised by the names the standard data sets (自治体標準オープンデータセット)
give them — 緯度/経度, 名称, 所在地_連結表記 or 住所 — and by their common English names,
compared after NFKC folding, case folding and dropping a bracketed note
(「緯度（世界測地系）」 reads as 緯度).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from jichitai.opendata.datastore.columns import DatastoreField

LATITUDE_NAMES = ("緯度", "latitude", "lat")
LONGITUDE_NAMES = ("経度", "longitude", "lon", "lng", "long")
PLACE_NAMES = ("名称", "施設名", "施設名称", "名前", "name", "title")
ADDRESS_NAMES = ("所在地_連結表記", "住所", "所在地", "address")
# Numbers that identify or date a row rather than measure it: labels, never chart values.
KEY_NAMES = ("年", "年度", "年次", "year", "id", "no", "番号")
PERIOD_NAMES = KEY_NAMES[:4]
AREA_NAMES = ("地域名", "町丁目", "地区", *PLACE_NAMES)
NUMBER_TYPES = {"int", "numeric"}
_NOTE = re.compile(r"[(\[][^)\]]*[)\]]$")


def normalized(name: str) -> str:
    """A column name folded for comparison: 「緯度（世界測地系）」 reads as 緯度."""
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    return _NOTE.sub("", folded).strip()


def _named(fields: Iterable[DatastoreField], names: tuple[str, ...]) -> DatastoreField | None:
    """The first field whose id or header is one of the names, in the order the names rank."""
    by_name: dict[str, DatastoreField] = {}
    for field in fields:
        for name in (field.label, field.id):
            by_name.setdefault(normalized(name), field)
    return next((by_name[name] for name in names if name in by_name), None)


def is_key(field: DatastoreField) -> bool:
    name = normalized(field.label or field.id)
    return name in KEY_NAMES or name.endswith(("コード", "code"))


@dataclass(frozen=True)
class PlaceColumns:
    latitude: DatastoreField
    longitude: DatastoreField
    name: DatastoreField | None
    address: DatastoreField | None

    @property
    def ids(self) -> list[str]:
        columns = [self.name, self.address, self.latitude, self.longitude]
        return [column.id for column in columns if column is not None]


def place_columns(fields: list[DatastoreField]) -> PlaceColumns | None:
    """The latitude and longitude columns (both, or None) with the place's name and address."""
    latitude = _named(fields, LATITUDE_NAMES)
    longitude = _named(fields, LONGITUDE_NAMES)
    if latitude is None or longitude is None or latitude == longitude:
        return None
    name = _named(fields, PLACE_NAMES)
    if name is None:
        name = next(
            (f for f in fields if f.type == "text" and not is_key(f)),
            None,
        )
    return PlaceColumns(latitude, longitude, name, _named(fields, ADDRESS_NAMES))


@dataclass(frozen=True)
class ChartColumns:
    """The columns a chart may draw (numbers) and label its bars with, defaults first."""

    values: list[DatastoreField]
    labels: list[DatastoreField]


def chart_columns(fields: list[DatastoreField]) -> ChartColumns | None:
    """Numeric columns that measure something (not coordinates, years or codes) and the
    columns that can name a row; None when the table has no number to draw."""
    places = place_columns(fields)
    coordinates = {places.latitude, places.longitude} if places else set()
    values = [
        f for f in fields if f.type in NUMBER_TYPES and f not in coordinates and not is_key(f)
    ]
    if not values:
        return None
    labels = [f for f in fields if f not in values and f not in coordinates]
    # The likeliest label first: a year or period (a trend), an area or place name, any text.
    periods = [f for f in labels if normalized(f.label or f.id) in PERIOD_NAMES]
    area = _named(labels, AREA_NAMES)
    texts = [f for f in labels if f.type == "text" and not is_key(f)]
    ranked = [*periods, *([area] if area else []), *texts, *labels]
    return ChartColumns(values, list(dict.fromkeys(ranked)))
