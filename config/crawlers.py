"""What search engines are told: /sitemap.xml (every app's public pages) and /robots.txt.

It lives in config because it gathers every app's sitemap, as config/api.py gathers routers.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from jichitai.core.sitemaps import StaticPagesSitemap
from jichitai.opendata.ckan.registry import write_action_names
from jichitai.opendata.sitemaps import SITEMAPS as OPENDATA_SITEMAPS
from jichitai.procedures.sitemaps import SITEMAPS as PROCEDURE_SITEMAPS

SITEMAPS: dict[str, Sitemap[Any]] = {
    "pages": StaticPagesSitemap(["core:home", "core:organisation"]),
    **PROCEDURE_SITEMAPS,
    **OPENDATA_SITEMAPS,
}

# Pages that are personal, for staff, or forms that write: nothing for a search engine.
DISALLOWED_PREFIXES = (
    "/staff/",
    "/applications/",
    "/api/v1/applications",
    "/data/requests/new/",
)


def disallowed_paths() -> list[str]:
    """Prefixes crawlers are asked to leave alone, including every CKAN action that writes
    (GET on them is refused anyway; this keeps them out of crawl budgets and logs)."""
    paths = list(DISALLOWED_PREFIXES)
    for name in write_action_names():
        paths.append(reverse("opendata:action", kwargs={"name": name}))
        paths.append(reverse("opendata:action_unversioned", kwargs={"name": name}))
    return paths


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallowed_paths()]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
