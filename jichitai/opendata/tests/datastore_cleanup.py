"""Dropping the datastore tables a transactional test leaves behind.

A test marked `django_db(transaction=True)` (and every live-server test) commits for real;
afterwards pytest-django empties the tables Django manages, but the datastore's tables are
made with raw SQL, one per resource, and would stay in the test database for the tests after
it. The root conftest drops them after each such test.
"""

from __future__ import annotations

import re

from django.db import connection

from jichitai.opendata.datastore import tables

# A resource id, and a staging table's "<resource id>__<random>" (datastore.loader).
DATASTORE_NAME = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(__\w+)?")


def datastore_tables() -> list[str]:
    """Every datastore table: on PostgreSQL the `datastore` schema's, on SQLite those named
    like a resource id (beside the application's tables)."""
    with connection.cursor() as cursor:
        if tables.is_postgresql():
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [tables.SCHEMA])
            return sorted(row[0] for row in cursor.fetchall())
    return sorted(n for n in connection.introspection.table_names() if DATASTORE_NAME.fullmatch(n))


def drop_datastore_tables() -> None:
    for name in datastore_tables():
        tables.drop_table(name)
