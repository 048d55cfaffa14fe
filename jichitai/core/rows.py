"""Hand-written statements for the few reads and writes every API submission makes.

`Model.objects.raw()` works out again for each query which columns map to which fields, and
builds its converters and model-init order anew: for a one-row lookup that cost more CPU than
the statement itself. Here that is worked out once per (model, columns) and the row goes
straight into `Model.from_db`, with the same database converters the ORM applies.

On PostgreSQL these statements are prepared (_fetch_prepared): parsed and planned once per
connection instead of on every run.
"""

from __future__ import annotations

import functools
import itertools
import re
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import psycopg
from django.db import DatabaseError, connection
from django.db.models import Model

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, Any], Any]


def fetch_instance(
    model: type[M],
    statement: str,
    params: Sequence[Any],
    fields: tuple[str, ...],
    extras: tuple[str, ...] = (),
) -> M | None:
    """The first row of `statement` as a `model` instance, or None when there is none.

    The statement's columns are `fields` (attribute names, in the model's field order; the
    others are deferred) followed by `extras`, which become plain attributes of the instance
    (values of expressions, read as the database gives them)."""
    row = fetch_row(statement, params)
    if row is None:
        return None
    instance = instance_from(model, fields, row[: len(fields)])
    for name, value in zip(extras, row[len(fields) :], strict=True):
        setattr(instance, name, value)
    return instance


def fetch_row(statement: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row of `statement` (`%s` placeholders, `%%` for a literal %), as the database
    gives it; None when there is none. Prepared on PostgreSQL (_fetch_prepared)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()
    return _fetch_prepared(statement, params)


def fetch_inserted(statement: str, params: Sequence[Any]) -> tuple[Any, ...]:
    """The row an `INSERT … RETURNING` statement gives back (fetch_row)."""
    row = fetch_row(statement, params)
    if row is None:
        raise DatabaseError("an INSERT … RETURNING gave no row")
    return row


def _fetch_prepared(statement: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run `statement` prepared: parsed and planned once per connection instead of on every
    run (PostgreSQL's generic plan once it is no worse).

    Only for statements whose best plan does not depend on the values: a lookup by a unique
    key, an INSERT. Other statements are not prepared (Django's default, prepare_threshold
    None): a generic plan can be far worse for a search whose best plan depends on the words
    asked (package_search p95 on 50,000 data sets went from 81 to 159 ms when every repeated
    statement was prepared).

    It runs on psycopg's RawCursor with PostgreSQL's own `$n` placeholders, numbered once per
    statement text (_numbered): psycopg parses `%s` placeholders anew on every run once a
    statement is longer than 4,096 characters or has more than 50 parameters, as a
    submission's single statement does (application_rows), and that parse cost about 0.1 ms of
    the worker's CPU per submission. Django's checks and error translation are kept."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    psycopg_connection = connection.connection
    # psycopg prepares nothing while the threshold is None (Django's default), even when asked.
    threshold, psycopg_connection.prepare_threshold = psycopg_connection.prepare_threshold, 0
    started = time.monotonic()
    try:
        with connection.wrap_database_errors, psycopg.RawCursor(psycopg_connection) as cursor:
            cursor.execute(_numbered(statement), params)
            row = cursor.fetchone()
    finally:
        psycopg_connection.prepare_threshold = threshold
    if connection.queries_logged:  # what Django's debug cursor logs (tests count statements)
        elapsed = time.monotonic() - started
        connection.queries_log.append({"sql": statement, "time": f"{elapsed:.3f}"})
    return row


@functools.lru_cache(maxsize=256)
def _numbered(statement: str) -> str:
    """`%s` placeholders as `$1`, `$2`, …, and `%%` as `%`."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(
        lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", statement
    )


_PLACEHOLDER = re.compile("%%|%s")


def instance_from(model: type[M], fields: tuple[str, ...], values: Sequence[Any]) -> M:
    """A `model` instance from `values` as the database gave them for `fields` (attribute
    names, in the model's field order), converted as the ORM converts them."""
    values = list(values)
    for index, column, converters in _converters(model, fields, connection.vendor):
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    return model.from_db(connection.alias, fields, values)


def model_columns(model: type[Model], fields: tuple[str, ...], alias: str) -> str:
    """`fields`' columns as a SELECT list, each qualified with the table's `alias`."""
    columns = {field.attname: field.column for field in model._meta.concrete_fields}
    return ", ".join(f"{alias}.{columns[name]}" for name in fields)


def all_fields(model: type[Model]) -> tuple[str, ...]:
    """Every concrete field's attribute name, in the model's order."""
    return tuple(field.attname for field in model._meta.concrete_fields)


@functools.cache
def _converters(
    model: type[Model], fields: tuple[str, ...], vendor: str
) -> list[tuple[int, Any, list[Converter]]]:
    # `vendor` is part of the key: the test suite runs one process per database.
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    found = []
    for index, name in enumerate(fields):
        field = by_name[name]
        column = field.get_col(model._meta.db_table)
        # Field.get_db_converters is Django's (the ORM's compiler calls it); the stubs omit it.
        own = field.get_db_converters(connection)  # type: ignore[attr-defined]
        converters = connection.ops.get_db_converters(column) + own
        if converters:
            found.append((index, column, converters))
    return found
