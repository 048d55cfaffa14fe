"""Where a resource's datastore table lives and how its SQL is spelt on each database.

A resource's table is named by the resource id, as in CKAN (`"<resource id>"`); on
PostgreSQL it sits in the `datastore` schema (created by migration 0009), apart from the
application's tables. Identifiers are always quoted: column ids are Japanese header labels.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

SCHEMA = "datastore"
FULL_TEXT = "_full_text"
SQL_TYPES = {
    "postgresql": {
        "int": "bigint",
        "numeric": "numeric",
        "bool": "boolean",
        "date": "date",
        "time": "time",
        "timestamp": "timestamp",
        "text": "text",
    },
    # SQLite stores dates and times as ISO 8601 text, which sorts and compares correctly.
    "sqlite": {
        "int": "INTEGER",
        "numeric": "REAL",
        "bool": "INTEGER",
        "date": "TEXT",
        "time": "TEXT",
        "timestamp": "TEXT",
        "text": "TEXT",
    },
}


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def qualified(name: str) -> str:
    """A datastore table's name as the application's own SQL refers to it."""
    return f"{SCHEMA}.{quote(name)}" if is_postgresql() else quote(name)


def execute_read(cursor: Any, statement: str, params: Any = None) -> None:
    """Run a read of datastore tables without psycopg preparing it (prepare_threshold in the
    settings prepares what a connection repeats): the upload worker replaces a table, on its own
    connection, with other column types, and PostgreSQL refuses to run a prepared statement
    whose result type has changed ("cached plan must not change result type")."""
    if not is_postgresql():
        cursor.execute(statement, params)
        return
    psycopg_connection = connection.connection  # the cursor's, so already open
    threshold = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = None  # neither prepared nor counted
    try:
        cursor.execute(statement, params)
    finally:
        psycopg_connection.prepare_threshold = threshold


def sql_type(kind: str) -> str:
    return SQL_TYPES["postgresql" if is_postgresql() else "sqlite"][kind]


def table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s", [SCHEMA, name]
            )
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [name])
        return cursor.fetchone() is not None


def staging_tables(resource_id: str) -> list[str]:
    """Tables left by loads of this resource that never finished (a worker that died)."""
    prefix = f"{resource_id}__"
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = %s AND left(tablename, %s) = %s",
                [SCHEMA, len(prefix), prefix],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, %s) = %s",
                [len(prefix), prefix],
            )
        return [row[0] for row in cursor.fetchall()]


def drop_table(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {qualified(name)}")


def trigram_available() -> bool:
    """Whether pg_trgm is installed (migration 0002 installs it where it may)."""
    if not is_postgresql():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None
