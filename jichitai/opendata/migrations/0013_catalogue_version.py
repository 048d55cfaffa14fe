"""The catalogue's version token (opendata.models.CatalogueVersion) and the triggers that
change it whenever a data set's facet totals may change, whoever writes: keep the column list
in step with search_index.TOTALS_COLUMNS. Triggers, not application code, so that bulk writes
and `update()` change the token too."""

import uuid

from django.db import migrations, models

SQLITE_CREATE = [
    """CREATE TRIGGER opendata_catalogue_inserted AFTER INSERT ON opendata_dataset
    BEGIN UPDATE opendata_catalogueversion SET token = lower(hex(randomblob(16))); END;""",
    """CREATE TRIGGER opendata_catalogue_deleted AFTER DELETE ON opendata_dataset
    BEGIN UPDATE opendata_catalogueversion SET token = lower(hex(randomblob(16))); END;""",
    """CREATE TRIGGER opendata_catalogue_updated AFTER UPDATE OF state, private, owner_org_id,
    license_id, facet_formats, facet_groups, facet_tags ON opendata_dataset
    BEGIN UPDATE opendata_catalogueversion SET token = lower(hex(randomblob(16))); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS opendata_catalogue_inserted;",
    "DROP TRIGGER IF EXISTS opendata_catalogue_deleted;",
    "DROP TRIGGER IF EXISTS opendata_catalogue_updated;",
]
POSTGRES_CREATE = [
    """CREATE FUNCTION opendata_catalogue_changed() RETURNS trigger AS $$
    BEGIN
      UPDATE opendata_catalogueversion SET token = md5(random()::text || clock_timestamp()::text);
      RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER opendata_catalogue_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF state, private, owner_org_id, license_id,
    facet_formats, facet_groups, facet_tags ON opendata_dataset
    FOR EACH STATEMENT EXECUTE FUNCTION opendata_catalogue_changed();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS opendata_catalogue_changed ON opendata_dataset;",
    "DROP FUNCTION IF EXISTS opendata_catalogue_changed();",
]


def create_triggers(apps, schema_editor):
    apps.get_model("opendata", "CatalogueVersion").objects.create(pk=1, token=uuid.uuid4().hex)
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(vendor, []):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0012_search_order_index")]
    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
