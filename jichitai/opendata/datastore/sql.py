"""`datastore_search_sql`: one read-only SELECT over the datastore tables a user may read.

Defence in depth, so that no SQL reads or changes anything else:

1. A pinned SQL parser (sqlglot) accepts a single SELECT (set operations and WITH included)
   whose tables are datastore tables the caller may read (or its own CTEs), with functions
   from an allow-list only, and no SELECT INTO or FOR UPDATE. The database then runs the
   statement as the parser printed it back, so what runs is what was checked.
2. PostgreSQL: a read-only transaction (`transaction_read_only`), `statement_timeout`, a
   search path holding only the `datastore` schema, and `SET LOCAL ROLE` to a role that may
   only read the datastore's tables (READER_ROLE, made by migration 0015 where the connecting
   role may create roles; without it, a warning once and the other guards); rolled back
   afterwards.
   SQLite: an authorizer on the connection that denies everything but SELECT, reads of the
   allowed tables and allowed functions (so ATTACH, PRAGMA and writes fail even if the
   parser let them through), and a progress handler that stops a query at its deadline.
3. At most 32,000 rows are returned (`records_truncated` says when there were more).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlglot
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from sqlglot import exp

from jichitai.opendata.datastore import tables
from jichitai.opendata.datastore.selectors import MAX_LIMIT

# Functions as sqlglot names them (sql_name(); anonymous ones by their own name, lower-case).
SAFE_FUNCTIONS = frozenset(
    {
        # aggregates and windows
        "COUNT", "SUM", "AVG", "MIN", "MAX", "STDDEV", "STDDEV_POP", "STDDEV_SAMP",
        "VARIANCE", "VARIANCE_POP", "GROUP_CONCAT", "STRING_AGG", "ARRAY_AGG", "MEDIAN",
        "PERCENTILE_CONT", "PERCENTILE_DISC", "LOGICAL_AND", "LOGICAL_OR", "COUNT_IF",
        "ROW_NUMBER", "RANK", "DENSE_RANK", "NTILE", "LAG", "LEAD", "FIRST_VALUE",
        "LAST_VALUE", "NTH_VALUE", "PERCENT_RANK", "CUME_DIST", "ANY_VALUE",
        # text
        "LOWER", "UPPER", "LENGTH", "SUBSTRING", "TRIM", "REPLACE", "CONCAT", "CONCAT_WS",
        "STR_POSITION", "LEFT", "RIGHT", "PAD", "INITCAP", "SPLIT_PART", "REVERSE", "REPEAT",
        # numbers
        "ROUND", "ABS", "CEIL", "FLOOR", "MOD", "POW", "SQRT", "LN", "LOG", "EXP", "SIGN",
        "TRUNC", "GREATEST", "LEAST",
        # conditionals and types
        "COALESCE", "NULLIF", "IF", "CASE", "CAST", "TRY_CAST",
        # dates
        "EXTRACT", "DATE_TRUNC", "TIMESTAMP_TRUNC", "DATE", "TIME", "STR_TO_TIME",
        "STR_TO_DATE", "TIME_TO_STR", "TO_CHAR", "CURRENT_DATE", "CURRENT_TIMESTAMP",
        "DATE_ADD", "DATE_SUB", "DATE_DIFF",
    }
)  # fmt: skip
SAFE_ANONYMOUS = frozenset(
    {
        "strftime", "julianday", "datetime", "date", "time", "substr", "instr", "ifnull",
        "iif", "printf", "char_length", "btrim", "ltrim", "rtrim", "date_part", "to_char",
        "to_date", "to_number", "make_date", "unixepoch", "total", "format",
    }
)  # fmt: skip
# What SQLite's authorizer sees (function names as SQLite calls them, lower-case).
SQLITE_FUNCTIONS = frozenset(
    {
        "count", "sum", "total", "avg", "min", "max", "group_concat", "string_agg",
        "row_number", "rank", "dense_rank", "ntile", "lag", "lead", "first_value",
        "last_value", "nth_value", "percent_rank", "cume_dist", "lower", "upper", "length",
        "substr", "substring", "trim", "ltrim", "rtrim", "replace", "instr", "printf",
        "format", "concat", "concat_ws", "round", "abs", "ceil", "ceiling", "floor", "trunc",
        "mod", "pow", "power", "sqrt", "ln", "log", "log10", "log2", "exp", "sign", "coalesce",
        "ifnull", "nullif", "iif", "like", "glob", "typeof", "date", "time", "datetime",
        "julianday", "strftime", "unixepoch", "char", "unicode", "random",
    }
)  # fmt: skip
FORBIDDEN_NODES = (exp.Into, exp.Lock, exp.Command, exp.Pragma)
# PostgreSQL: the role statements run as, which may only read the datastore's tables
# (migration 0015 creates it and grants it SELECT on them, present and future).
READER_ROLE = "jichitai_datastore_reader"

logger = logging.getLogger(__name__)
# Per database (by name): whether the connection may switch to READER_ROLE. Asked once.
_reader_usable: dict[str, bool] = {}


class SqlRefused(Exception):
    """The statement is not one we run; `kind` says how CKAN reports it: "invalid"
    (Validation Error), "forbidden" (Authorization Error) or "timeout"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class SqlResult:
    fields: list[dict[str, str]]
    records: list[dict[str, Any]]
    truncated: bool = False


def _dialect() -> str:
    return "postgres" if tables.is_postgresql() else "sqlite"


def parse(sql: str) -> exp.Expression:
    """The one statement in `sql`, or SqlRefused."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=_dialect()) if s is not None]
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as error:
        raise SqlRefused("invalid", f"Query could not be parsed: {str(error)[:200]}") from None
    except RecursionError:
        raise SqlRefused("invalid", "Query is nested too deeply") from None
    if len(statements) != 1:
        raise SqlRefused("invalid", "Query is not a single statement.")
    statement = statements[0]
    if not isinstance(statement, (exp.Select, exp.SetOperation)):
        raise SqlRefused("invalid", "Only SELECT statements are allowed.")
    if isinstance(statement, exp.Select) and not statement.expressions:
        raise SqlRefused("invalid", "Query selects nothing.")
    return statement


def _function_name(node: exp.Func) -> tuple[str, bool]:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower(), node.name.lower() in SAFE_ANONYMOUS
    name = node.sql_name()
    return name.lower(), name in SAFE_FUNCTIONS


def referenced_tables(statement: exp.Expression) -> set[str]:
    """The tables a checked statement reads (its CTEs excepted); SqlRefused for anything
    but plain, unqualified table names, forbidden clauses and functions off the list."""
    for node in statement.walk():
        if isinstance(node, FORBIDDEN_NODES):
            raise SqlRefused("invalid", "Only plain SELECT statements are allowed.")
        if isinstance(node, exp.Func):
            name, safe = _function_name(node)
            if not safe:
                raise SqlRefused("forbidden", f"Not authorized to call function {name}")
    ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
    existing = set(connection.introspection.table_names())
    if ctes & existing:
        raise SqlRefused("invalid", "A WITH query may not take the name of a table.")
    names: set[str] = set()
    for table in statement.find_all(exp.Table):
        if (
            not isinstance(table.this, exp.Identifier)
            or table.args.get("db")
            or table.args.get("catalog")
        ):
            raise SqlRefused("forbidden", "Not authorized to read this table")
        if table.name not in ctes:
            names.add(table.name)
    return names


def _allowed(names: Iterable[str], readable: set[str]) -> None:
    refused = sorted(name for name in names if name not in readable)
    if refused:
        raise SqlRefused("forbidden", f'Not authorized to read resource "{refused[0][:100]}"')


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _type_of(values: list[Any]) -> str:
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, (float, Decimal)):
            return "numeric"
        if isinstance(value, dt.datetime):
            return "timestamp"
        if isinstance(value, dt.date):
            return "date"
        if isinstance(value, dt.time):
            return "time"
        return "text"
    return "text"


def _timeout_ms() -> int:
    return int(settings.JICHITAI_DATASTORE_SQL_TIMEOUT_MS)


def reader_role_usable(cursor: Any) -> bool:
    """Whether this database's connection may SET ROLE to READER_ROLE: it exists and the
    connecting role is a member (or a superuser). Said in the log once when not."""
    database = str(connection.settings_dict["NAME"])
    if database not in _reader_usable:
        cursor.execute(
            "SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            [READER_ROLE],
        )
        row = cursor.fetchone()
        _reader_usable[database] = bool(row and row[0])
        if not _reader_usable[database]:
            logger.warning(
                "datastore_search_sql runs as the application's own database role: role %s "
                "is missing or not granted to it (migration 0015 needs a role that may create "
                "roles). The SQL check, read-only transaction, search path and timeout still "
                "apply.",
                READER_ROLE,
            )
    return _reader_usable[database]


def _run_postgresql(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL transaction_read_only = on")
        cursor.execute(f"SET LOCAL statement_timeout = {_timeout_ms():d}")
        cursor.execute(f"SET LOCAL search_path = {tables.SCHEMA}")
        if reader_role_usable(cursor):
            # From here on only the datastore's tables can be read, whatever the statement.
            cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(READER_ROLE)}")
        cursor.execute(sql)
        names = [column.name for column in cursor.description or []]
        rows = cursor.fetchmany(MAX_LIMIT + 1)
        # Whatever the statement did, none of it stays (the settings above included).
        transaction.set_rollback(True)
    return names, rows


def _run_sqlite(sql: str, readable: set[str]) -> tuple[list[str], list[tuple[Any, ...]]]:
    connection.ensure_connection()
    raw: sqlite3.Connection = connection.connection

    def authorize(action: int, first: Any, second: Any, _db: Any, _source: Any) -> int:
        if action == sqlite3.SQLITE_SELECT or action == sqlite3.SQLITE_RECURSIVE:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ and first in readable:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION and str(second).lower() in SQLITE_FUNCTIONS:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    deadline = time.monotonic() + _timeout_ms() / 1000

    def past_deadline() -> int:
        return 1 if time.monotonic() > deadline else 0

    raw.set_authorizer(authorize)
    raw.set_progress_handler(past_deadline, 1000)
    try:
        cursor = raw.execute(sql)
        names = [column[0] for column in cursor.description or []]
        rows = cursor.fetchmany(MAX_LIMIT + 1)
        cursor.close()
    finally:
        raw.set_authorizer(None)
        raw.set_progress_handler(None, 0)
    return names, rows


def execute(sql: str, readable: set[str], field_types: dict[str, str]) -> SqlResult:
    """Run one statement that `check` accepted (or, in tests, one it did not, to show that
    the database's own guards hold); SqlRefused on a database refusal or a timeout."""
    try:
        if tables.is_postgresql():
            names, rows = _run_postgresql(sql)
        else:
            names, rows = _run_sqlite(sql, readable)
    except (DatabaseError, sqlite3.Error) as error:
        text = str(error)
        lowered = text.lower()
        if "statement timeout" in lowered or "interrupted" in lowered:
            raise SqlRefused("timeout", "Query took too long") from None
        if "not authorized" in lowered or "permission denied" in lowered or "read-only" in lowered:
            raise SqlRefused("forbidden", "Not authorized to run this statement") from None
        raise SqlRefused(
            "invalid", text.splitlines()[0][:300] if text else "Query failed"
        ) from None
    truncated = len(rows) > MAX_LIMIT
    rows = rows[:MAX_LIMIT]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    fields = [
        {"id": name, "type": field_types.get(name) or _type_of(list(values))}
        for name, values in zip(names, columns, strict=True)
    ]
    records = [{name: _json(value) for name, value in zip(names, row, strict=True)} for row in rows]
    for record, row in zip(records, rows, strict=True):
        for spec, value in zip(fields, row, strict=True):
            if spec["type"] == "bool" and isinstance(value, int):
                record[spec["id"]] = bool(value)
    return SqlResult(fields, records, truncated)


def check(sql: str, readable_among: Callable[[set[str]], set[str]]) -> tuple[str, set[str]]:
    """The statement to run, as the parser prints it back, and the names it may read: the
    tables it reads (all among those `readable_among` says the caller may read) and its own
    CTEs (SQLite's authorizer sees reads of both). SqlRefused otherwise."""
    statement = parse(sql)
    names = referenced_tables(statement)
    _allowed(names, readable_among(names) if names else set())
    ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
    # The database stops after one row more than is returned (PostgreSQL's client cursor
    # would otherwise hold the whole result in memory before the first row is read).
    limited = (
        f"SELECT * FROM ({statement.sql(dialect=_dialect())}) AS datastore_query"  # noqa: S608
        f" LIMIT {MAX_LIMIT + 1}"
    )
    return limited, names | ctes
