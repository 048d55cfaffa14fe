"""Writing the catalogue: data sets, their tags, groups and link resources.

Every change refreshes the data set's `search_text` and `metadata_modified`, which
harvesters use to fetch only what changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.core.japanese.text import normalize_for_search
from jichitai.core.models import OrgUnit
from jichitai.opendata import search_index
from jichitai.opendata.models import Dataset, Group, Resource, Tag


def search_text_of(dataset: Dataset) -> str:
    """What a search matches: title, name, description, tags, department and resources."""
    parts = [dataset.title, dataset.name, dataset.notes, dataset.owner_org.name_ja]
    parts += [tag.name for tag in dataset.tags.all()]
    parts += [group.title for group in dataset.groups.all()]
    for resource in dataset.resources.all():
        parts += [resource.name, resource.description, resource.format]
    return normalize_for_search(" ".join(part for part in parts if part))


def touch(dataset: Dataset) -> None:
    """Record that the data set changed, and re-index it for search."""
    dataset.metadata_modified = timezone.now()
    dataset.search_text = search_text_of(dataset)
    facet_values = search_index.facet_values_of(dataset)
    for column, value in facet_values.items():
        setattr(dataset, column, value)
    dataset.save(update_fields=["metadata_modified", "search_text", *facet_values])


@transaction.atomic
def create_dataset(
    owner_org: OrgUnit,
    *,
    tags: Iterable[str] = (),
    groups: Iterable[Group] = (),
    resources: Iterable[dict[str, Any]] = (),
    **fields: Any,
) -> Dataset:
    """Create a data set with its tags, groups and link resources (リソース)."""
    dataset = Dataset(owner_org=owner_org, **fields)
    dataset.full_clean()
    dataset.save()
    dataset.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
    dataset.groups.set(list(groups))
    for position, resource_fields in enumerate(resources):
        resource = Resource(dataset=dataset, position=position, **resource_fields)
        resource.full_clean()
        resource.save()
    touch(dataset)
    return dataset
