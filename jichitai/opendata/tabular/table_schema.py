"""Frictionless Table Schema descriptors (表スキーマ), parsed and checked before use.

We support the part of the Table Schema standard that municipal tables need: the types
string, integer, number, boolean, date, time, datetime and year with their formats, the
constraints required, unique, minLength, maxLength, minimum, maximum, exclusiveMinimum,
exclusiveMaximum, pattern and enum, `missingValues` and `primaryKey`. A descriptor that asks
for anything else is refused with a clear error rather than half-validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

TYPES = frozenset({"string", "integer", "number", "boolean", "date", "time", "datetime", "year"})
STRING_FORMATS = frozenset({"default", "email", "uri", "uuid"})
CONSTRAINTS_BY_TYPE: dict[str, tuple[str, ...]] = {
    # The order in which constraint errors are reported, as frictionless-py does.
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "boolean": ("required", "enum"),
}
_ORDERED = ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum")
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")


class SchemaError(ValueError):
    """The descriptor itself is wrong; the message says where."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"
    format: str = "default"
    title: str = ""
    description: str = ""
    constraints: dict[str, Any] = field(default_factory=dict)
    true_values: tuple[str, ...] = DEFAULT_TRUE_VALUES
    false_values: tuple[str, ...] = DEFAULT_FALSE_VALUES

    @property
    def constraint_order(self) -> tuple[str, ...]:
        return CONSTRAINTS_BY_TYPE.get(self.type, _ORDERED)

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def unique(self) -> bool:
        return bool(self.constraints.get("unique"))


@dataclass(frozen=True)
class TableSchema:
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    missing_values: tuple[str, ...] = ("",)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @classmethod
    def from_descriptor(cls, descriptor: dict[str, Any]) -> TableSchema:
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
            raise SchemaError("a Table Schema needs a list of fields")
        fields = tuple(_field(item, number) for number, item in enumerate(descriptor["fields"], 1))
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            raise SchemaError("field names must be unique")
        primary_key = descriptor.get("primaryKey", [])
        if isinstance(primary_key, str):
            primary_key = [primary_key]
        if not isinstance(primary_key, list) or not set(primary_key) <= set(names):
            raise SchemaError("primaryKey must name fields of the schema")
        missing = descriptor.get("missingValues", [""])
        if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
            raise SchemaError("missingValues must be a list of strings")
        unsupported = set(descriptor) - {"fields", "primaryKey", "missingValues", "$schema"}
        if unsupported:
            raise SchemaError(f"unsupported schema properties: {sorted(unsupported)}")
        return cls(fields=fields, primary_key=tuple(primary_key), missing_values=tuple(missing))


def _field(item: Any, number: int) -> Field:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise SchemaError(f"field {number} needs a name")
    name, kind = item["name"], item.get("type", "string")
    if kind not in TYPES:
        raise SchemaError(f"field {name}: unsupported type {kind!r}")
    format_ = item.get("format", "default")
    if kind == "string" and format_ not in STRING_FORMATS:
        raise SchemaError(f"field {name}: unsupported string format {format_!r}")
    if kind in {"integer", "number", "boolean", "year"} and format_ != "default":
        raise SchemaError(f"field {name}: {kind} takes no format")
    constraints = item.get("constraints", {})
    allowed = {*CONSTRAINTS_BY_TYPE.get(kind, _ORDERED), "unique"}
    if not isinstance(constraints, dict) or not set(constraints) <= allowed:
        raise SchemaError(f"field {name}: unsupported constraints for {kind}")
    if "pattern" in constraints:
        try:
            re.compile(constraints["pattern"])
        except (re.error, TypeError) as error:
            raise SchemaError(f"field {name}: bad pattern: {error}") from None
    unknown = set(item) - {
        "name",
        "type",
        "format",
        "title",
        "description",
        "constraints",
        "example",
        "trueValues",
        "falseValues",
    }
    if unknown:
        raise SchemaError(f"field {name}: unsupported properties {sorted(unknown)}")
    return Field(
        name=name,
        type=kind,
        format=format_,
        title=item.get("title", ""),
        description=item.get("description", ""),
        constraints=dict(constraints),
        true_values=tuple(item.get("trueValues", DEFAULT_TRUE_VALUES)),
        false_values=tuple(item.get("falseValues", DEFAULT_FALSE_VALUES)),
    )
