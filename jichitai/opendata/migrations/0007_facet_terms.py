"""Each data set's facet terms in one column (see opendata.search_index), filled for existing
data sets. The rule is frozen here (no app imports): keep it in step with search_index."""

from django.db import migrations, models

SEPARATOR = "\x1e"


def fill_facet_terms(apps, schema_editor):
    Dataset = apps.get_model("opendata", "Dataset")
    Resource = apps.get_model("opendata", "Resource")
    terms = {
        pk: {f"o:{org}", f"l:{licence}"}
        for pk, org, licence in Dataset.objects.values_list("pk", "owner_org_id", "license_id")
    }
    for dataset_id, format_ in Resource.objects.values_list("dataset_id", "format"):
        terms[dataset_id].add(f"f:{format_}")
    for dataset_id, group_id in Dataset.groups.through.objects.values_list(
        "dataset_id", "group_id"
    ):
        terms[dataset_id].add(f"g:{group_id}")
    for dataset_id, tag_id in Dataset.tags.through.objects.values_list("dataset_id", "tag_id"):
        terms[dataset_id].add(f"t:{tag_id}")
    for pk, found in terms.items():
        cleaned = (term.replace(SEPARATOR, "") for term in found)
        joined = SEPARATOR.join(sorted(term for term in cleaned if len(term) > 2))
        Dataset.objects.filter(pk=pk).update(facet_terms=joined)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0006_data_requests")]
    operations = [
        migrations.AddField(
            model_name="dataset",
            name="facet_terms",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_facet_terms, migrations.RunPython.noop),
    ]
