from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("opendata", "0007_facet_terms")]
    operations = [
        migrations.AddField(
            model_name="resource",
            name="download_count",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
    ]
