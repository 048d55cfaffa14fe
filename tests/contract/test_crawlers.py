"""What search engines see: /sitemap.xml lists public pages only, /robots.txt points at it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from defusedxml import ElementTree as ET
from django.test import Client
from django.utils import timezone

from jichitai.core.models import OrgUnit
from jichitai.opendata.models import DataRequest, State
from jichitai.opendata.services.catalogue import create_dataset

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _entries(client: Client, query: str = "") -> dict[str, str | None]:
    response = client.get("/sitemap.xml" + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=NS) or "": url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


@pytest.fixture
def datasets(departments: dict[str, OrgUnit]) -> dict[str, Any]:
    owner = departments["koseki"]
    published = create_dataset(owner, name="aed", title="AED設置箇所一覧", state=State.ACTIVE)
    # touch() stamps the present; a fixed moment makes lastmod checkable.
    published.metadata_modified = dt.datetime(2025, 4, 1, 9, 30, tzinfo=dt.UTC)
    published.save(update_fields=["metadata_modified"])
    return {
        "published": published,
        "draft": create_dataset(owner, name="draft-data", title="下書き", state=State.DRAFT),
        "private": create_dataset(
            owner, name="internal", title="内部", state=State.ACTIVE, private=True
        ),
        "deleted": create_dataset(owner, name="gone", title="削除済み", state=State.DELETED),
    }


@pytest.fixture
def data_requests(db: None) -> dict[str, DataRequest]:
    return {
        "public": DataRequest.objects.create(title="バス停の位置", description="緯度経度"),
        "hidden": DataRequest.objects.create(title="非公開", description="x", is_public=False),
    }


def test_sitemap_lists_public_pages_only(
    client: Client, catalogue: dict[str, Any], datasets: dict[str, Any], data_requests: Any
) -> None:
    entries = _entries(client)
    base = "http://testserver"
    for path in ["/", "/organisation/", "/procedures/", "/data/", "/data/requests/"]:
        assert base + path in entries
    # Data sets: the published one with its last change; drafts, private and deleted absent.
    assert entries[f"{base}/data/aed/"] == "2025-04-01"
    for name in ["draft-data", "internal", "gone"]:
        assert f"{base}/data/{name}/" not in entries
    # Procedures: published ones with their update date, never the unpublished one.
    for key in ["gomi", "jido", "tennyu"]:
        procedure = catalogue[key]
        # Django writes lastmod as a date in the site's time zone (Asia/Tokyo), not UTC.
        expected = timezone.localtime(procedure.updated_at).date().isoformat()
        assert entries[f"{base}/procedures/{procedure.slug}/"] == expected
    assert f"{base}/procedures/mikokai/" not in entries
    assert f"{base}/life-events/moving/" in entries
    # Data requests in the public list, not the ones kept out of it.
    assert f"{base}/data/requests/{data_requests['public'].pk}/" in entries
    assert f"{base}/data/requests/{data_requests['hidden'].pk}/" not in entries
    # Nothing for staff or personal pages, ever.
    assert not [loc for loc in entries if "/staff/" in loc or "/applications/" in loc]


def test_every_sitemap_address_answers(
    client: Client, catalogue: dict[str, Any], datasets: dict[str, Any], data_requests: Any
) -> None:
    for loc in _entries(client):
        assert client.get(loc.removeprefix("http://testserver")).status_code == 200, loc


def test_sitemap_queries_do_not_grow_with_the_catalogue(
    client: Client,
    departments: dict[str, OrgUnit],
    django_assert_num_queries: Any,
) -> None:
    for number in range(30):
        create_dataset(
            departments["koseki"], name=f"set-{number:02d}", title="表", state=State.ACTIVE
        )
    with django_assert_num_queries(6):
        assert len(_entries(client)) >= 30


@pytest.mark.parametrize("page", ["0", "abc", "99", "-1"])
def test_bad_sitemap_page_is_a_404(client: Client, db: None, page: str) -> None:
    assert client.get(f"/sitemap.xml?p={page}").status_code == 404


def test_sitemap_refuses_writes(client: Client, db: None) -> None:
    assert client.post("/sitemap.xml").status_code == 405


def test_robots_points_at_the_sitemap_and_keeps_crawlers_off_staff_and_writes(
    client: Client, db: None
) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")}
    assert "/staff/" in disallowed
    for name in ["package_create", "package_delete", "resource_create", "resource_patch"]:
        assert f"/api/3/action/{name}" in disallowed
        assert f"/api/action/{name}" in disallowed
    # Reads stay crawlable: harvesters and search engines may use them.
    assert not [path for path in disallowed if path.endswith(("package_show", "package_search"))]
    assert "Disallow: /" not in lines
