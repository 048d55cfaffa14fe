"""An index for the data set search's default order (newest first): a page of matches is read
by walking it instead of sorting every match."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("opendata", "0011_facet_columns")]
    operations = [
        migrations.AddIndex(
            model_name="dataset",
            index=models.Index(
                fields=["state", "-metadata_modified", "id"], name="dataset_state_newest"
            ),
        ),
    ]
