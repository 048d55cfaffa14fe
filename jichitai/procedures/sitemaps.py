"""The procedure catalogue's public pages for search engines: published procedures and the
life events (ライフイベント) that group them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from jichitai.core.sitemaps import StaticPagesSitemap
from jichitai.procedures.models import LifeEvent, Procedure
from jichitai.procedures.selectors import published_procedures


class ProcedureSitemap(Sitemap[Procedure]):
    """Published procedures only: an unpublished one's page is a 404."""

    def items(self) -> QuerySet[Procedure]:
        return (
            published_procedures().select_related(None).only("slug", "updated_at").order_by("slug")
        )

    def location(self, item: Procedure) -> str:
        return reverse("procedures:procedure_detail", kwargs={"slug": item.slug})

    def lastmod(self, item: Procedure) -> dt.datetime:
        return item.updated_at


class LifeEventSitemap(Sitemap[LifeEvent]):
    def items(self) -> QuerySet[LifeEvent]:
        return LifeEvent.objects.only("slug").order_by("slug")

    def location(self, item: LifeEvent) -> str:
        return reverse("procedures:life_event_detail", kwargs={"slug": item.slug})


SITEMAPS: dict[str, Sitemap[Any]] = {
    "procedures-catalogue": StaticPagesSitemap(["procedures:catalogue"]),
    "procedures": ProcedureSitemap(),
    "life-events": LifeEventSitemap(),
}
