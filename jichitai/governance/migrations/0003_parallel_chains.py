"""Parallel audit chains: entries carry the chain they belong to, sequences are contiguous
within a chain, and each chain has its head row (docs/decisions/0003-audit-log-hash-chain.md).

Existing entries stay in chain 1 with the hashes they have: the chain's number is not part of
what an entry's hash covers, so nothing is rehashed.
"""

import importlib

from django.db import migrations, models

CHAINS = 16  # as governance.models.CHAINS when this migration was written
GENESIS_HASH = "0" * 64

_no_update = importlib.import_module("jichitai.governance.migrations.0002_audit_event_no_update")


def restore_update_guard_on_sqlite(apps, schema_editor):
    """SQLite rebuilds a table to change a column, which drops the table's triggers."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(_no_update.SQLITE_DROP)
        schema_editor.execute(_no_update.SQLITE_CREATE)


def add_chain_heads(apps, schema_editor):
    head = apps.get_model("governance", "AuditChainHead")
    existing = set(head.objects.values_list("id", flat=True))
    head.objects.bulk_create(
        head(id=number, last_sequence=0, last_hash=GENESIS_HASH)
        for number in range(1, CHAINS + 1)
        if number not in existing
    )


def remove_chain_heads(apps, schema_editor):
    head = apps.get_model("governance", "AuditChainHead")
    event = apps.get_model("governance", "AuditEvent")
    if event.objects.exclude(chain=1).exists():
        raise RuntimeError("entries in chains other than 1 cannot go back to a single chain")
    head.objects.exclude(id=1).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_audit_event_no_update")]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["-id"],
                "verbose_name": "監査ログ",
                "verbose_name_plural": "監査ログ",
            },
        ),
        migrations.RemoveConstraint(model_name="auditchainhead", name="audit_head_singleton"),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="系列"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(verbose_name="連番"),
        ),
        migrations.AddConstraint(
            model_name="auditchainhead",
            constraint=models.CheckConstraint(
                condition=models.Q(("id__gte", 1), ("id__lte", CHAINS)),
                name="audit_head_chain_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "sequence"), name="audit_chain_sequence"
            ),
        ),
        migrations.RunPython(restore_update_guard_on_sqlite, migrations.RunPython.noop),
        migrations.RunPython(add_chain_heads, remove_chain_heads),
    ]
