"""Facet terms: what the data set search counts facets on, kept in one column per data set.

`package_search` counts facets (department, format, licence, groups, tags) over every match;
with thousands of matches a grouped query per facet — a join and a sort over the matches each —
cost most of the search. Each data set instead carries its facet values in `facet_terms`
(`o:<department id>`, `l:<licence>`, `f:<format>`, `g:<group id>`, `t:<tag id>`, each once),
refreshed by `touch()`; a search reads that one column of its matches once and counts in
Python. Departments, groups and tags are kept by id, so renaming one changes no data set.

Measured (bench/catalog, 50,000 data sets): a bigram index (GIN on PostgreSQL, FTS5 on SQLite)
for the words did not pay here: the words residents type match thousands of data sets, and a
plain substring scan of `search_text` was as fast for those and faster for the broadest.
"""

from __future__ import annotations

import uuid

from jichitai.opendata.models import Dataset, Resource

TERM_SEPARATOR = "\x1e"
FACET_PREFIXES = {
    "organization": "o",
    "groups": "g",
    "tags": "t",
    "res_format": "f",
    "license_id": "l",
}


def facet_terms_of(dataset: Dataset) -> str:
    """The data set's facet terms, from its department, licence, resources, groups and tags."""
    terms = {f"o:{dataset.owner_org_id}", f"l:{dataset.license_id}"}
    terms |= {f"f:{resource.format}" for resource in dataset.resources.all()}
    terms |= {f"g:{group_id}" for group_id in dataset.groups.values_list("pk", flat=True)}
    terms |= {f"t:{tag_id}" for tag_id in dataset.tags.values_list("pk", flat=True)}
    return _joined(terms)


def _joined(terms: set[str]) -> str:
    cleaned = (term.replace(TERM_SEPARATOR, "") for term in terms)
    return TERM_SEPARATOR.join(sorted(term for term in cleaned if len(term) > 2))


def rebuild() -> None:
    """Recompute every data set's facet terms, e.g. after bulk writes that bypassed touch().
    Reads each related table once instead of once per data set."""
    terms: dict[uuid.UUID, set[str]] = {}
    for pk, owner_org_id, license_id in Dataset.objects.values_list(
        "pk", "owner_org_id", "license_id"
    ).iterator(chunk_size=5000):
        terms[pk] = {f"o:{owner_org_id}", f"l:{license_id}"}
    for dataset_id, format_ in Resource.objects.values_list("dataset_id", "format"):
        terms[dataset_id].add(f"f:{format_}")
    for dataset_id, group_id in Dataset.groups.through.objects.values_list(
        "dataset_id", "group_id"
    ):
        terms[dataset_id].add(f"g:{group_id}")
    for dataset_id, tag_id in Dataset.tags.through.objects.values_list("dataset_id", "tag_id"):
        terms[dataset_id].add(f"t:{tag_id}")
    Dataset.objects.bulk_update(
        [Dataset(pk=pk, facet_terms=_joined(found)) for pk, found in terms.items()],
        ["facet_terms"],
        batch_size=1000,
    )
