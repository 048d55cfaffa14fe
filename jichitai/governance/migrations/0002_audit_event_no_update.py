"""The database refuses to update audit entries.

Deletion is not refused here: Django's test flush and future retention disposal delete rows,
and the hash chain (sequence gaps, chain head) detects a deletion anyway. In production the
application's database role should also hold only INSERT and SELECT on this table.
"""

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER governance_auditevent_no_update
BEFORE UPDATE ON governance_auditevent
BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be changed'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS governance_auditevent_no_update;"

POSTGRES_CREATE = """
CREATE FUNCTION governance_auditevent_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit log entries cannot be changed'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_auditevent_no_update
BEFORE UPDATE ON governance_auditevent
FOR EACH ROW EXECUTE FUNCTION governance_auditevent_refuse_update();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS governance_auditevent_no_update ON governance_auditevent;
DROP FUNCTION IF EXISTS governance_auditevent_refuse_update();
"""


def create_trigger(apps, schema_editor):
    sql = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(
        schema_editor.connection.vendor
    )
    if sql:
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    sql = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
