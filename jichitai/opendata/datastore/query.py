"""Building and running one `datastore_search` query over a resource's table.

Every identifier in the SQL is a known field id (quoted); every value is a parameter, typed
as its column's type so the databases compare like with like and indexes are used.
Problems with the request raise `QueryError` naming the parameter at fault, with CKAN's
wording where CKAN has one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection

from jichitai.core.errors import DomainError
from jichitai.core.search import search_terms
from jichitai.opendata.datastore import tables
from jichitai.opendata.datastore.columns import DatastoreField

ID_FIELD = DatastoreField("_id", "int", "_id")
_SORT_PART = re.compile(
    r'^\s*("(?:[^"]|"")+"|[^\s"]+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$',
    re.IGNORECASE,
)
_TRUE = frozenset({"true", "t", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "off"})


class QueryError(DomainError):
    """A search parameter the table cannot answer; `field` is the parameter's name."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__("datastore.invalid_query", message, field=parameter)


@dataclass(frozen=True)
class Search:
    """A search, with its parameters already in Python types."""

    fields: list[str] | None = None
    filters: dict[str, Any] | None = None
    q: str | dict[str, str] | None = None
    sort: str | None = None
    limit: int = 100
    offset: int = 0
    distinct: bool = False
    include_total: bool = True


def _known(all_fields: list[DatastoreField]) -> dict[str, DatastoreField]:
    return {field.id: field for field in [ID_FIELD, *all_fields]}


def selected_fields(
    all_fields: list[DatastoreField], wanted: list[str] | None
) -> list[DatastoreField]:
    known = _known(all_fields)
    if wanted is None:
        return [ID_FIELD, *all_fields]
    chosen = []
    for name in wanted:
        if name not in known:
            raise QueryError("fields", f'field "{name}" not in table')
        if known[name] not in chosen:
            chosen.append(known[name])
    if not chosen:
        raise QueryError("fields", "Missing value")
    return chosen


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def parse_value(field: DatastoreField, value: Any, parameter: str = "filters") -> Any:
    """A value given in a request, as the column's type stores it on this database."""
    invalid = QueryError(parameter, f'invalid input syntax for type {field.type}: "{value}"')
    if isinstance(value, (dict, list)):
        raise invalid
    text = str(value).strip()
    try:
        if field.type == "int":
            if isinstance(value, bool):
                raise invalid
            number = Decimal(text)
            if number != number.to_integral_value() or abs(number) >= 2**63:
                raise invalid
            return int(number)
        if field.type == "numeric":
            if isinstance(value, bool):
                raise invalid
            decimal = Decimal(text)
            if not decimal.is_finite():
                raise invalid
            return decimal if tables.is_postgresql() else float(decimal)
        if field.type == "bool":
            word = text.lower()
            if word not in _TRUE | _FALSE:
                raise invalid
            truth = word in _TRUE
            return truth if tables.is_postgresql() else int(truth)
        if field.type == "date":
            day = dt.date.fromisoformat(text)
            return day if tables.is_postgresql() else day.isoformat()
        if field.type == "time":
            moment = dt.time.fromisoformat(text)
            return moment if tables.is_postgresql() else moment.strftime("%H:%M:%S")
        if field.type == "timestamp":
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
            return stamp if tables.is_postgresql() else stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")
    except (ValueError, InvalidOperation, OverflowError):
        raise invalid from None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _where(all_fields: list[DatastoreField], search: Search) -> tuple[list[str], list[Any]]:
    known = _known(all_fields)
    clauses: list[str] = []
    values: list[Any] = []
    for name, wanted in (search.filters or {}).items():
        field = known.get(name)
        if field is None:
            raise QueryError("filters", f'field "{name}" not in table')
        column = tables.quote(field.id)
        options = wanted if isinstance(wanted, list) else [wanted]
        present = [parse_value(field, option) for option in options if option is not None]
        parts = []
        if present:
            parts.append(f"{column} IN ({', '.join(['%s'] * len(present))})")
            values.extend(present)
        if any(option is None for option in options):
            parts.append(f"{column} IS NULL")
        clauses.append("(" + " OR ".join(parts) + ")" if parts else "1 = 0")
    if isinstance(search.q, str):
        for term in search_terms(search.q):
            clauses.append(f"{tables.quote(tables.FULL_TEXT)} LIKE %s ESCAPE '\\'")
            values.append(_like(term))
    elif isinstance(search.q, dict):
        for name, text in search.q.items():
            field = known.get(name)
            if field is None:
                raise QueryError("q", f'field "{name}" not in table')
            for term in unicodedata.normalize("NFKC", str(text)).lower().split():
                clauses.append(f"LOWER(CAST({tables.quote(field.id)} AS TEXT)) LIKE %s ESCAPE '\\'")
                values.append(_like(term))
    return clauses, values


def _order(all_fields: list[DatastoreField], search: Search, chosen: list[DatastoreField]) -> str:
    known = _known(all_fields)
    parts: list[str] = []
    names: list[str] = []
    for piece in (search.sort or "").split(","):
        if not piece.strip():
            continue
        match = _SORT_PART.match(piece)
        if match is None:
            raise QueryError("sort", f'Cannot parse sort "{piece.strip()}"')
        name, direction, nulls = match.groups()
        if name.startswith('"'):
            name = name[1:-1].replace('""', '"')
        if name not in known:
            raise QueryError("sort", f'field "{name}" not in table')
        if search.distinct and known[name] not in chosen:
            raise QueryError("sort", f'field "{name}" must be among fields when distinct')
        direction = (direction or "asc").upper()
        # PostgreSQL's default (nulls count as largest), spelt out so SQLite sorts alike.
        nulls = (nulls or ("first" if direction == "DESC" else "last")).upper()
        clause = f"{tables.quote(name)} {direction} NULLS {nulls}"
        parts.append(clause)
        names.append(name)
    # A tie-breaker that makes offset paging stable.
    tie_breakers = chosen if search.distinct else [ID_FIELD]
    parts += [f"{tables.quote(f.id)} ASC" for f in tie_breakers if f.id not in names]
    return ", ".join(parts)


def _json_value(field: DatastoreField, value: Any) -> Any:
    if value is None:
        return None
    if field.type == "int":
        return int(value)
    if field.type == "numeric":
        return float(value)
    if field.type == "bool":
        return bool(value)
    if field.type in {"date", "time"}:
        return value if isinstance(value, str) else value.isoformat()
    if field.type == "timestamp":
        stamp = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return stamp.isoformat()
    return value


@dataclass(frozen=True)
class Rows:
    fields: list[DatastoreField]
    rows: list[tuple[Any, ...]]
    total: int | None


def run(resource_id: str, all_fields: list[DatastoreField], search: Search) -> Rows:
    """Run the search on the resource's table; values come back JSON-ready."""
    chosen = selected_fields(all_fields, search.fields)
    clauses, values = _where(all_fields, search)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    table = tables.qualified(resource_id)
    columns = ", ".join(tables.quote(field.id) for field in chosen)
    distinct = "DISTINCT " if search.distinct else ""
    order = _order(all_fields, search, chosen)
    # Identifiers are field ids the table has (quoted); every value is a parameter.
    select = f"SELECT {distinct}{columns} FROM {table}{where} ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
    with connection.cursor() as cursor:
        rows: list[tuple[Any, ...]] = []
        if search.limit:
            cursor.execute(select, [*values, search.limit, search.offset])
            rows = [
                tuple(_json_value(f, v) for f, v in zip(chosen, row, strict=True))
                for row in cursor.fetchall()
            ]
        total = None
        if search.include_total:
            if search.distinct:
                counted = (
                    f"SELECT COUNT(*) FROM (SELECT DISTINCT {columns} FROM {table}{where}) AS d"  # noqa: S608
                )
            else:
                counted = f"SELECT COUNT(*) FROM {table}{where}"  # noqa: S608
            cursor.execute(counted, values)
            total = int(cursor.fetchone()[0])
    return Rows(chosen, rows, total)
