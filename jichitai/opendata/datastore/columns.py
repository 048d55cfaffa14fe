"""A checked table's columns as datastore columns: their ids, their types, their typed values.

The values come from the rows the check read (after its repairs), never from the published
CSV, which carries `'` in front of cells a spreadsheet would run as formulas. Each column's
type is its Table Schema type when a standard data set matched; a column the standard does
not describe is detected from its values (whole numbers, decimals, ISO dates) and is text
otherwise. A code such as `0123` stays text: leading zeros would be lost as a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from jichitai.opendata.tabular.cells import reader_for
from jichitai.opendata.tabular.table_schema import Field

# PostgreSQL's limit on identifiers, in bytes; CKAN's field ids are column names too.
MAX_ID_BYTES = 63
# Table Schema type → CKAN datastore type.
DATASTORE_TYPES = {
    "string": "text",
    "integer": "int",
    "year": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "time": "time",
    "datetime": "timestamp",
}
POLARS_TYPES: dict[str, Any] = {
    "int": pl.Int64,
    "numeric": pl.Float64,
    "bool": pl.Boolean,
    "date": pl.Date,
    "time": pl.Time,
    "timestamp": pl.Datetime("us"),
    "text": pl.String,
}
_CANONICAL: dict[str, str] = {
    "int": r"^-?(0|[1-9][0-9]{0,17})$",
    "numeric": r"^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}


@dataclass(frozen=True)
class DatastoreField:
    id: str  # the column's name in the datastore and the API
    type: str  # text, int, numeric, bool, date, time, timestamp
    label: str  # the header as the file had it

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "type": self.type, "label": self.label}


def field_ids(labels: list[str]) -> list[str]:
    """Column ids from header labels: trimmed, cut to 63 bytes, never empty, never starting
    with `_` (CKAN keeps those for `_id` and `_full_text`), never repeated."""
    ids: list[str] = []
    taken: set[str] = set()
    for number, label in enumerate(labels, 1):
        base = " ".join(label.replace('"', "").split()).lstrip("_") or f"列{number}"
        candidate, suffix = _cut(base), 2
        while candidate.casefold() in taken:
            tail = f"_{suffix}"
            candidate = _cut(base, MAX_ID_BYTES - len(tail)) + tail
            suffix += 1
        taken.add(candidate.casefold())
        ids.append(candidate)
    return ids


def _cut(text: str, limit: int = MAX_ID_BYTES) -> str:
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


def _empty_as_null(column: pl.Series) -> pl.Series:
    return pl.select(pl.when(column.str.strip_chars() != "").then(column)).to_series()


def detect_type(column: pl.Series) -> str:
    """The type of a column no schema describes: int, numeric or date when every value
    present is spelt canonically as one, text otherwise."""
    present = _empty_as_null(column).drop_nulls()
    if present.is_empty():
        return "text"
    for kind in ("int", "numeric", "date"):
        if not present.str.contains(_CANONICAL[kind]).all():
            continue
        dates = present.str.strptime(pl.Date, "%Y-%m-%d", strict=False) if kind == "date" else None
        if dates is None or dates.null_count() == 0:
            return kind
    return "text"


def _slow_value(value: Any, kind: str) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if kind == "timestamp" and isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def typed_column(column: pl.Series, kind: str, field: Field | None) -> pl.Series:
    """A text column's values in the datastore type: canonical spellings converted in bulk,
    every other distinct value read as the Table Schema reads it (the check passed, so each
    one is readable); missing values become null."""
    column = _empty_as_null(column)
    if kind == "text":
        return column
    target = POLARS_TYPES[kind]
    if kind in {"int", "numeric"}:
        fast = column.cast(target, strict=False)
    elif kind == "date":
        fast = column.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    elif kind == "bool" and field is not None:
        mapping = {
            **dict.fromkeys(field.true_values, True),
            **dict.fromkeys(field.false_values, False),
        }
        return column.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    elif kind == "time":
        # The two spellings municipal files use; anything else is read one distinct value
        # at a time below.
        fast = pl.select(
            pl.coalesce(
                column.str.strptime(pl.Time, "%H:%M:%S", strict=False),
                column.str.strptime(pl.Time, "%H:%M", strict=False),
            )
        ).to_series()
    else:
        fast = pl.repeat(None, len(column), dtype=target, eager=True)
    slow = column.filter(column.is_not_null() & fast.is_null()).unique().to_list()
    if not slow:
        return fast
    read = reader_for(field or Field(name="", type=_schema_type(kind)))
    values = {cell: _slow_value(read(cell), kind) for cell in slow}
    readable = {cell: value for cell, value in values.items() if value is not None}
    if not readable:
        return fast
    slow_values = column.replace_strict(readable, default=None, return_dtype=target)
    return pl.select(pl.coalesce(fast, slow_values)).to_series()


def _schema_type(kind: str) -> str:
    return {value: key for key, value in DATASTORE_TYPES.items()}[kind]


def typed_frame(
    labels: list[str], frame: pl.DataFrame, schema_fields: tuple[Field, ...] | None
) -> tuple[list[DatastoreField], pl.DataFrame]:
    """The datastore's fields and a frame of typed columns named by field id.

    `schema_fields` are the Table Schema fields the check used, one per column; a field of
    type string (what the check gives columns no standard describes) is detected instead.
    """
    ids = field_ids(labels)
    fields: list[DatastoreField] = []
    columns: list[pl.Series] = []
    for index, (field_id, label) in enumerate(zip(ids, labels, strict=True)):
        column = frame.to_series(index)
        schema_field = schema_fields[index] if schema_fields else None
        declared = schema_field.type if schema_field else "string"
        if declared == "string" and not (schema_field and schema_field.constraints):
            kind = detect_type(column)
        else:
            kind = DATASTORE_TYPES.get(declared, "text")
        typed = typed_column(column, kind, schema_field if declared != "string" else None)
        fields.append(DatastoreField(field_id, kind, label))
        columns.append(typed.alias(field_id))
    return fields, pl.DataFrame(columns)
