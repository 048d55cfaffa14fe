"""On PostgreSQL the catalogue version token changes before each statement that writes data
sets instead of after it, so that a statement takes the version row's lock before the locks
of the rows it writes: two transactions then meet at the version row first instead of each
holding a data set the other waits for (fewer deadlocks). SQLite writes one at a time."""

from django.db import migrations

COLUMNS = "state, private, owner_org_id, license_id, facet_formats, facet_groups, facet_tags"


def trigger(timing):
    return [
        "DROP TRIGGER IF EXISTS opendata_catalogue_changed ON opendata_dataset;",
        "CREATE TRIGGER opendata_catalogue_changed"
        f" {timing} INSERT OR DELETE OR TRUNCATE OR UPDATE OF {COLUMNS} ON opendata_dataset"
        " FOR EACH STATEMENT EXECUTE FUNCTION opendata_catalogue_changed();",
    ]


def before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in trigger("BEFORE"):
            schema_editor.execute(sql)


def after(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in trigger("AFTER"):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0013_catalogue_version")]
    operations = [migrations.RunPython(before, after)]
