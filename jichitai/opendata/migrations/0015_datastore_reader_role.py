"""On PostgreSQL, a role that may only read the datastore's tables, for datastore_search_sql.

datastore_search_sql runs a user's SELECT with `SET LOCAL ROLE` to this role, so that even a
statement the SQL parser wrongly let through cannot read the application's own tables. The
role cannot sign in (NOLOGIN); it may use the `datastore` schema and SELECT its tables, those
there now and — by default privileges — those created later by the role that runs this
migration (the application's). Roles belong to the whole PostgreSQL cluster, so it is created
once and shared by the databases on it; each database grants it its own datastore tables.

Where the connecting role may not create roles, nothing is done here: datastore_search_sql
then logs that once and relies on its other guards.
"""

from django.db import migrations

# As jichitai.opendata.datastore.sql.READER_ROLE (a migration keeps its own copy).
READER = "jichitai_datastore_reader"


def _may_create_roles(cursor) -> bool:
    cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def _exists(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [READER])
    return cursor.fetchone() is not None


def create_reader(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not _may_create_roles(cursor):
            return
        if not _exists(cursor):
            # Another database's migration may create it at the same moment (parallel test
            # databases do): a race ends in unique_violation on pg_authid, not duplicate_object.
            cursor.execute(
                f"DO $$ BEGIN CREATE ROLE {READER} NOLOGIN; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
        # The application's role switches to it (a superuser may without being a member);
        # where it may not grant that, datastore_search_sql finds out and says so.
        cursor.execute(
            f"DO $$ BEGIN GRANT {READER} TO CURRENT_USER; "
            "EXCEPTION WHEN insufficient_privilege OR unique_violation THEN NULL; END $$"
        )
        cursor.execute(f"GRANT USAGE ON SCHEMA datastore TO {READER}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA datastore TO {READER}")
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA datastore GRANT SELECT ON TABLES TO {READER}"
        )


def revoke_reader(apps, schema_editor):
    """Take back this database's grants; the role stays, other databases may use it."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not _exists(cursor):
            return
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA datastore REVOKE SELECT ON TABLES FROM {READER}"  # noqa: S608
        )
        cursor.execute(f"REVOKE SELECT ON ALL TABLES IN SCHEMA datastore FROM {READER}")  # noqa: S608
        cursor.execute(f"REVOKE USAGE ON SCHEMA datastore FROM {READER}")


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0014_catalogue_version_before"),
    ]

    operations = [migrations.RunPython(create_reader, revoke_reader)]
