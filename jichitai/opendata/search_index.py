"""Facet columns: what the data set search counts facets on, kept on each data set.

`package_search` counts facets (department, format, licence, groups, tags) over every match.
Department and licence are columns of the data set already; its formats, groups and tags are
kept beside them in `facet_formats`, `facet_groups` and `facet_tags` (each value once, sorted,
joined by TERM_SEPARATOR), refreshed by `touch()`. A search then asks the database for the
matches grouped by the requested fields' columns — one scan, counted in the database — and
adds the few groups up here: combinations of department, licence and formats repeat, so tens
of thousands of matches come back as a few thousand rows. Groups and tags are kept by id, so
renaming one changes no data set.

Measured (bench/catalog, 50,000 data sets):
- a bigram index (GIN on PostgreSQL, FTS5 on SQLite) for the words did not pay here: the words
  residents type match thousands of data sets, and a plain substring scan of `search_text`
  was as fast for those and faster for the broadest;
- reading every match's facet values into Python and counting them there (the previous
  design, one `facet_terms` column) cost about as much as the scan itself for broad words
  (48,000 rows fetched and split); grouping in the database removed most of that.
"""

from __future__ import annotations

import uuid

from jichitai.opendata.models import Dataset, Resource

TERM_SEPARATOR = "\x1e"
# The column each facet field is counted on; the multi-valued ones hold joined values.
FACET_COLUMNS = {
    "organization": "owner_org_id",
    "groups": "facet_groups",
    "tags": "facet_tags",
    "res_format": "facet_formats",
    "license_id": "license_id",
}
MULTI_VALUED = {"facet_formats", "facet_groups", "facet_tags"}


def facet_values_of(dataset: Dataset) -> dict[str, str]:
    """The data set's multi-valued facet columns, from its resources, groups and tags."""
    return {
        "facet_formats": joined({resource.format for resource in dataset.resources.all()}),
        "facet_groups": joined(set(dataset.groups.values_list("pk", flat=True))),
        "facet_tags": joined(set(dataset.tags.values_list("pk", flat=True))),
    }


def joined(values: set[object]) -> str:
    cleaned = (str(value).replace(TERM_SEPARATOR, "") for value in values)
    return TERM_SEPARATOR.join(sorted(value for value in cleaned if value))


def rebuild() -> None:
    """Recompute every data set's facet columns, e.g. after bulk writes that bypassed touch().
    Reads each related table once instead of once per data set."""
    values: dict[uuid.UUID, dict[str, set[object]]] = {
        pk: {column: set() for column in MULTI_VALUED}
        for pk in Dataset.objects.values_list("pk", flat=True).iterator(chunk_size=5000)
    }
    for dataset_id, format_ in Resource.objects.values_list("dataset_id", "format"):
        values[dataset_id]["facet_formats"].add(format_)
    for dataset_id, group_id in Dataset.groups.through.objects.values_list(
        "dataset_id", "group_id"
    ):
        values[dataset_id]["facet_groups"].add(group_id)
    for dataset_id, tag_id in Dataset.tags.through.objects.values_list("dataset_id", "tag_id"):
        values[dataset_id]["facet_tags"].add(tag_id)
    Dataset.objects.bulk_update(
        [
            Dataset(pk=pk, **{column: joined(found) for column, found in columns.items()})
            for pk, columns in values.items()
        ],
        sorted(MULTI_VALUED),
        batch_size=1000,
    )
