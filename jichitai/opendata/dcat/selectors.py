"""Reads for the DCAT documents: a page of the published catalogue, one published data set.

Published only, whoever asks: these documents are what harvesters copy, so a draft or private
data set must never appear in them, even for its own department's staff.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Prefetch, QuerySet

from jichitai.core.models import Municipality
from jichitai.core.selectors import current_municipality
from jichitai.opendata.models import Dataset, Group, Resource, State
from jichitai.opendata.policies import published_datasets

DATASETS_PER_PAGE = 100


@dataclass(frozen=True)
class CatalogPage:
    number: int
    last: int
    total: int
    per_page: int
    datasets: list[Dataset]
    groups: list[Group]
    modified: datetime | None
    municipality: Municipality | None


class PageOutOfRange(Exception):
    """A page number past the last page."""


def _with_details(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """Everything the graph reads of a data set, in a fixed number of queries per page."""
    resources = (
        Resource.objects.filter(state=State.ACTIVE)
        .select_related("published_file")
        .order_by("position", "pk")
    )
    return datasets.select_related("owner_org").prefetch_related(
        "tags", "groups", Prefetch("resources", queryset=resources)
    )


def catalog_page(
    number: int, per_page: int | None = None, modified_since: datetime | None = None
) -> CatalogPage:
    """One page of published data sets in name order (stable between requests, so paging a
    harvest sees every data set once); page 1 exists even when the catalogue is empty.
    `modified_since` keeps those changed at or after that moment (a harvester's next run)."""
    per_page = per_page or DATASETS_PER_PAGE
    published = published_datasets()
    if modified_since is not None:
        published = published.filter(metadata_modified__gte=modified_since)
    summary = published.aggregate(modified=Max("metadata_modified"))
    total = published.count()
    last = max(1, -(-total // per_page))
    if number > last:
        raise PageOutOfRange(number)
    start = (number - 1) * per_page
    datasets = list(_with_details(published.order_by("name", "pk"))[start : start + per_page])
    return CatalogPage(
        number=number,
        last=last,
        total=total,
        per_page=per_page,
        datasets=datasets,
        groups=list(Group.objects.order_by("name")),
        modified=summary["modified"],
        municipality=current_municipality(),
    )


def published_dataset(reference: str) -> Dataset | None:
    """A published data set by its name or its id, as CKAN's `/dataset/<id>` accepts both."""
    datasets = published_datasets()
    try:
        datasets = datasets.filter(pk=uuid.UUID(reference))
    except ValueError:
        datasets = datasets.filter(name=reference)
    return _with_details(datasets).first()
