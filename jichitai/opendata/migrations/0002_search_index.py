"""A trigram index for the data set search on PostgreSQL (see core.search).

SQLite needs nothing: the catalogue is small enough to scan.
"""

from django.db import migrations

POSTGRES_CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS opendata_dataset_search_trgm
    ON opendata_dataset USING gin (search_text gin_trgm_ops);
"""
POSTGRES_DROP = "DROP INDEX IF EXISTS opendata_dataset_search_trgm;"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_catalogue")]
    operations = [migrations.RunPython(create_index, drop_index)]
