"""New rows of several tables written by one PostgreSQL statement.

An API submission writes an application, its attachments, its confirmation mail's outbox row
and task, and its audit entry. As separate statements in a transaction that is BEGIN, four
INSERTs and COMMIT: six round trips, each costing the worker and the database more than the
row it writes (the surge benchmark: −12 % throughput). As data-modifying WITH parts of one
statement run in autocommit they are one round trip and still one transaction: every row
commits, or none does (a unique violation in any part fails the whole statement).

Each part selects its values from a `source`, a WITH part of the statement that yields at
most one row, named by the statement's owner (governance.appending.HEAD): when the source
yields none, the statement writes nothing at all.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field, Model


@dataclass(frozen=True)
class RowInsert:
    """`INSERT INTO … SELECT <values> FROM <source>`, and its values."""

    sql: str
    params: list[Any]


def row_insert(instance: Model, *, source: str) -> RowInsert:
    """`instance`, a new row whose primary key is already set (core.id_blocks), as a part."""
    fields = instance._meta.concrete_fields
    return RowInsert(_insert_sql(type(instance), source), insert_values(instance, fields))


def with_parts(inserts: Sequence[RowInsert]) -> tuple[str, list[Any]]:
    """`, row_0 AS (…), row_1 AS (…)` to follow a statement's first WITH part, and the
    parameters of those parts in order."""
    sql = "".join(f", row_{number} AS ({part.sql})" for number, part in enumerate(inserts))
    return sql, [value for part in inserts for value in part.params]


def insert_values(instance: Model, fields: Sequence[Field[Any, Any]]) -> list[Any]:
    """What the ORM's INSERT sends for `fields`: defaults and auto_now_add first (pre_save),
    then each value in the database's form."""
    return [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]


@functools.cache
def _insert_sql(model: type[Model], source: str) -> str:
    name = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(name(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {name(model._meta.db_table)} ({columns}) SELECT {values} FROM {source}"  # noqa: S608  (our names, bound values)
