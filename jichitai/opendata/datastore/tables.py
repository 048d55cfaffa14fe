"""Where a resource's datastore table lives and how its SQL is spelt on each database.

A resource's table is named by the resource id, as in CKAN (`"<resource id>"`); on
PostgreSQL it sits in the `datastore` schema (created by migration 0009), apart from the
application's tables. Identifiers are always quoted: column ids are Japanese header labels.
"""

from __future__ import annotations

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
