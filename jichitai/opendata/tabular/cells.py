"""Reading one cell exactly as the Table Schema standard (and frictionless-py) reads it.

The validator handles the common, canonical spellings of values in bulk; every other
distinct value comes here, so that an unusual but valid cell (`+3`, `1e1`, `2024-1-1`) and an
invalid one are judged exactly as the reference implementation judges them.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from jichitai.opendata.tabular.table_schema import Field

Reader = Callable[[str], Any]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _integer(cell: str) -> int | None:
    try:
        return int(cell.strip())
    except ValueError:
        return None


def _number(cell: str) -> Decimal | None:
    try:
        return Decimal(cell.strip())
    except (InvalidOperation, ValueError):
        return None


def _strptime(pattern: str, kind: str) -> Reader:
    def read(cell: str) -> Any:
        try:
            moment = dt.datetime.strptime(cell, pattern)
        except ValueError:
            return None
        return moment.date() if kind == "date" else moment.time() if kind == "time" else moment

    return read


def _default_time(cell: str) -> dt.time | None:
    # hh:mm:ss, as the standard's default; shorter spellings are not times.
    if len(cell) < 8 or cell[2:3] != ":" or cell[5:6] != ":":
        return None
    try:
        return dt.time.fromisoformat(cell)
    except ValueError:
        return None


def _default_datetime(cell: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(cell.replace("Z", "+00:00"))
    except ValueError:
        return None


def _year(cell: str) -> int | None:
    # Four characters that int() reads (so " 123" and "+123" count), from 0 to 9999.
    if len(cell) != 4:
        return None
    try:
        year = int(cell)
    except ValueError:
        return None
    return year if 0 <= year <= 9999 else None


def _string(field: Field) -> Reader:
    if field.format == "email":
        return lambda cell: cell if _EMAIL.match(cell) else None
    if field.format == "uri":
        return lambda cell: cell if urlsplit(cell).scheme else None
    if field.format == "uuid":

        def read_uuid(cell: str) -> str | None:
            try:
                UUID(cell)
            except ValueError:
                return None
            return cell

        return read_uuid
    return lambda cell: cell


def reader_for(field: Field) -> Reader:
    """The function turning a cell's text into its value, or None when it is not one."""
    if field.type == "string":
        return _string(field)
    if field.type == "integer":
        return _integer
    if field.type == "number":
        return _number
    if field.type == "boolean":
        mapping = {
            **dict.fromkeys(field.true_values, True),
            **dict.fromkeys(field.false_values, False),
        }
        return mapping.get
    if field.type == "year":
        return _year
    if field.type == "date":
        return _strptime("%Y-%m-%d" if field.format == "default" else field.format, "date")
    if field.type == "time":
        return _default_time if field.format == "default" else _strptime(field.format, "time")
    if field.format == "default":
        return _default_datetime
    return _strptime(field.format, "datetime")


_BOUNDS = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}


Check = Callable[[Any], bool]


def _bound_check(bound: Any, compare: Callable[[Any, Any], Any]) -> Check:
    # NaN compares with nothing: it fails every bound, as in the reference.
    def check(value: Any) -> bool:
        return bool(value == value and compare(value, bound))

    return check


def _length_check(limit: int, compare: Callable[[int, int], bool]) -> Check:
    def check(value: Any) -> bool:
        return compare(len(value), limit)

    return check


def _pattern_check(pattern: str) -> Check:
    # Anchored by wrapping, not fullmatch: "a|b" means "^a|b$", as in the reference.
    regex = re.compile(f"^{pattern}$")

    def check(value: Any) -> bool:
        return regex.match(value) is not None

    return check


def _enum_check(allowed: list[Any]) -> Check:
    def check(value: Any) -> bool:
        return value in allowed

    return check


def constraint_checks(field: Field) -> dict[str, Check]:
    """Each constraint of the field (but `required` and `unique`) as a test of one value."""
    read = reader_for(field)
    checks: dict[str, Check] = {}
    for name in field.constraint_order:
        if name not in field.constraints or name == "required":
            continue
        wanted = field.constraints[name]
        if name in _BOUNDS:
            checks[name] = _bound_check(read(str(wanted)), _BOUNDS[name])
        elif name == "minLength":
            checks[name] = _length_check(wanted, operator.ge)
        elif name == "maxLength":
            checks[name] = _length_check(wanted, operator.le)
        elif name == "pattern":
            checks[name] = _pattern_check(wanted)
        elif name == "enum":
            checks[name] = _enum_check([read(str(item)) for item in wanted])
    return checks


class FieldJudge:
    """Judges single cells of one field; built once per field, called per distinct value."""

    def __init__(self, field: Field) -> None:
        self.read = reader_for(field)
        self.checks = constraint_checks(field)

    def __call__(self, cell: str) -> tuple[Any, tuple[str, ...]]:
        """(value, failed): failed is ("type",) when the cell cannot be read as the field's
        type, else the names of the constraints it breaks, in reporting order."""
        value = self.read(cell)
        if value is None:
            return None, ("type",)
        return value, tuple(name for name, check in self.checks.items() if not check(value))
