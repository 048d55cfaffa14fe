"""Casework: assignment, internal notes, and the inbox's search text (filled for existing
applications here; a trigram index serves it on PostgreSQL, as for the catalogue)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

POSTGRES_CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS procedures_application_search_trgm
    ON procedures_application USING gin (search_text gin_trgm_ops);
"""
POSTGRES_DROP = "DROP INDEX IF EXISTS procedures_application_search_trgm;"


def fill_search_text(apps, schema_editor):
    from jichitai.procedures.answer_table import search_text
    from jichitai.procedures.formdoc.schema import parse

    Application = apps.get_model("procedures", "Application")
    documents = {}
    for application in Application.objects.select_related("applicant").iterator(chunk_size=500):
        if application.form_version_id not in documents:
            version = apps.get_model("procedures", "FormVersion").objects.get(
                pk=application.form_version_id
            )
            documents[application.form_version_id] = parse(version.document)
        application.search_text = search_text(
            documents[application.form_version_id],
            application.answers,
            application.receipt_number,
            application.applicant.display_name,
        )
        application.save(update_fields=["search_text"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0007_builder"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="assigned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="担当設定日時"),
        ),
        migrations.AddField(
            model_name="application",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assigned_applications",
                to=settings.AUTH_USER_MODEL,
                verbose_name="担当者",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.CreateModel(
            name="InternalNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("body", models.TextField(verbose_name="内部メモ")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="internal_notes",
                        to="procedures.application",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
