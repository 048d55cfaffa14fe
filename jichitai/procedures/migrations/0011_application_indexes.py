"""Indexes a submission wrote and no query reads: the applicant's own (the idempotency
constraint's index starts with the applicant), and on PostgreSQL the LIKE-pattern copies that
unique=True adds for receipt numbers and attachment storage names (the uniqueness stays, as
constraints)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token_staff_scope"),
        ("procedures", "0010_correction_answers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="applicant",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="receipt_number",
            field=models.CharField(max_length=9, verbose_name="受付番号"),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="storage_name",
            field=models.CharField(max_length=100),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                fields=("receipt_number",), name="application_receipt_number_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="attachment",
            constraint=models.UniqueConstraint(
                fields=("storage_name",), name="attachment_storage_name_unique"
            ),
        ),
    ]
