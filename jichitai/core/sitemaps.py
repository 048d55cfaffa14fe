"""Sitemap building blocks shared by the apps (django.contrib.sitemaps)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class StaticPagesSitemap(Sitemap[str]):
    """Public pages without an object behind them, by URL name (`app:name`)."""

    def __init__(self, url_names: Sequence[str]) -> None:
        super().__init__()
        self.url_names = list(url_names)

    def items(self) -> list[str]:
        return self.url_names

    def location(self, item: str) -> str:
        return reverse(item)
