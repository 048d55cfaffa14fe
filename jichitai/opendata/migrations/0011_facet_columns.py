"""Each data set's formats, groups and tags in columns of their own (see opendata.search_index),
so that facets are counted by grouping in the database; filled for existing data sets. The rule
is frozen here (no app imports): keep it in step with search_index."""

from django.db import migrations, models

SEPARATOR = "\x1e"
COLUMNS = ("facet_formats", "facet_groups", "facet_tags")


def joined(values):
    cleaned = (str(value).replace(SEPARATOR, "") for value in values)
    return SEPARATOR.join(sorted(value for value in cleaned if value))


def fill_facet_columns(apps, schema_editor):
    Dataset = apps.get_model("opendata", "Dataset")
    Resource = apps.get_model("opendata", "Resource")
    values = {
        pk: {c: set() for c in COLUMNS} for pk in Dataset.objects.values_list("pk", flat=True)
    }
    for dataset_id, format_ in Resource.objects.values_list("dataset_id", "format"):
        values[dataset_id]["facet_formats"].add(format_)
    for dataset_id, group_id in Dataset.groups.through.objects.values_list(
        "dataset_id", "group_id"
    ):
        values[dataset_id]["facet_groups"].add(group_id)
    for dataset_id, tag_id in Dataset.tags.through.objects.values_list("dataset_id", "tag_id"):
        values[dataset_id]["facet_tags"].add(tag_id)
    for pk, found in values.items():
        Dataset.objects.filter(pk=pk).update(**{c: joined(v) for c, v in found.items()})


class Migration(migrations.Migration):
    dependencies = [("opendata", "0010_full_report")]
    operations = [
        *(
            migrations.AddField(
                model_name="dataset",
                name=column,
                field=models.TextField(blank=True, editable=False),
            )
            for column in COLUMNS
        ),
        migrations.RunPython(fill_facet_columns, migrations.RunPython.noop),
        migrations.RemoveField(model_name="dataset", name="facet_terms"),
    ]
