"""The portal's public pages for search engines: every published data set, public data
requests, and the portal's entry pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from jichitai.core.sitemaps import StaticPagesSitemap
from jichitai.opendata.models import DataRequest, Dataset
from jichitai.opendata.policies import published_datasets


class DatasetSitemap(Sitemap[Dataset]):
    """Published data sets only (drafts and private ones are never listed), by name so the
    sitemap's pages stay stable between requests."""

    def items(self) -> QuerySet[Dataset]:
        return published_datasets().only("name", "metadata_modified").order_by("name")

    def location(self, item: Dataset) -> str:
        return reverse("opendata:dataset", kwargs={"name": item.name})

    def lastmod(self, item: Dataset) -> dt.datetime:
        return item.metadata_modified


class DataRequestSitemap(Sitemap[DataRequest]):
    """Data requests (データリクエスト) shown in the public list."""

    def items(self) -> QuerySet[DataRequest]:
        return DataRequest.objects.filter(is_public=True).only("pk", "updated").order_by("pk")

    def location(self, item: DataRequest) -> str:
        return reverse("opendata:data_request", kwargs={"request_id": item.pk})

    def lastmod(self, item: DataRequest) -> dt.datetime:
        return item.updated


SITEMAPS: dict[str, Sitemap[Any]] = {
    "opendata": StaticPagesSitemap(["opendata:search", "opendata:data_requests"]),
    "datasets": DatasetSitemap(),
    "data-requests": DataRequestSitemap(),
}
