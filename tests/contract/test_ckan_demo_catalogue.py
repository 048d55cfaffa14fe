"""The demo catalogue (as `manage.py load_demo_data` loads it) as CKAN clients see it over HTTP.

The catalogue is loaded once for the module and served by one live server: loading pushes
thirty-odd files through the real upload, check and publish pipeline, which takes seconds.
The tests only read, through the `ckanapi` command line and plain HTTP, except the harvest
test, which edits data sets while it pages, as happens on a live portal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.apps import apps
from django.core.management import call_command
from django.utils.module_loading import import_string
from pytest_django.live_server_helper import LiveServer

from jichitai.accounts import api_tokens
from jichitai.accounts.models import User
from jichitai.opendata.models import Dataset, State

# Every test reads through the live server; this only lets pytest-django set the database up.
# (Each test runs in a transaction on its own connection, which the server does not share on
# PostgreSQL: what the tests change, they change through the API.)
pytestmark = pytest.mark.django_db

CKANAPI = str(Path(sys.executable).with_name("ckanapi"))
# `dump` starts its workers as `ckanapi` found on PATH.
CLI_ENVIRONMENT = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


class DemoPortal:
    def __init__(self, url: str, blocker: Any) -> None:
        self.url = url
        self.blocker = blocker

    def published(self) -> dict[str, str]:
        """Name → id of every data set the public sees, straight from the database."""
        with self.blocker.unblock():
            found = Dataset.objects.filter(state=State.ACTIVE, private=False)
            return {name: str(pk) for name, pk in found.values_list("name", "pk")}

    def ckanapi(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        command = [CKANAPI, *arguments, "-r", self.url]
        return subprocess.run(  # noqa: S603
            command, timeout=120, capture_output=True, text=True, env=CLI_ENVIRONMENT
        )

    def action(self, name: str, *arguments: str) -> Any:
        """`ckanapi action NAME KEY=VALUE …`: the result, as the command prints it."""
        done = self.ckanapi("action", name, *arguments)
        assert done.returncode == 0, done.stderr + done.stdout
        return json.loads(done.stdout)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoPortal]:
    """The demo data, committed, behind a live server; the database is emptied afterwards as
    after any transactional test."""
    with django_db_blocker.unblock():
        # What `manage.py load_demo_data` loads for the catalogue (procedures' demo left out).
        for app in ("core", "accounts", "opendata"):
            loader: str = getattr(apps.get_app_config(app), "demo_data_loader", "")
            import_string(loader)()
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        yield DemoPortal(server.url, django_db_blocker)
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


def test_the_demo_catalogue_is_published(demo: DemoPortal) -> None:
    assert len(demo.published()) >= 30


def test_ckanapi_dump_datasets_returns_every_demo_data_set(
    demo: DemoPortal, tmp_path: Path
) -> None:
    dumped = tmp_path / "datasets.jsonl"
    done = demo.ckanapi("dump", "datasets", "--all", "-O", str(dumped), "-q")
    assert done.returncode == 0, done.stderr + done.stdout
    packages = [json.loads(line) for line in dumped.read_text().splitlines()]
    published = demo.published()
    assert sorted(package["name"] for package in packages) == sorted(published)
    assert all(package["id"] == published[package["name"]] for package in packages)
    assert all(package["resources"] for package in packages)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("避難", ["evacuation-sites"]),
        # In the title or a tag.
        ("人口", ["foreign-residents", "population-by-area-and-age", "population-trend"]),
        ("子育て", ["childcare-facilities", "childcare-plazas", "waiting-children"]),
        ("ごみ", ["collection-days", "recycling-volume"]),
        ("tags:ごみ", ["collection-days", "recycling-volume"]),
        # Katakana and hiragana, full and half width, are the same to a search.
        ("ﾄｲﾚ", ["public-toilets"]),
        ("といれ", ["public-toilets"]),
        ("title:公園", ["parks"]),
    ],
)
def test_ckanapi_action_package_search_in_japanese(
    demo: DemoPortal, query: str, expected: list[str]
) -> None:
    found = demo.action("package_search", f"q={query}", "rows=100")
    assert sorted(package["name"] for package in found["results"]) == expected
    assert found["count"] == len(expected)


def test_ckanapi_action_show_and_list(demo: DemoPortal) -> None:
    shown = demo.action("package_show", "id=evacuation-sites")
    assert shown["title"] == "指定緊急避難場所一覧（サンプル）"
    assert shown["organization"]["name"] == "somu-ka"
    assert [resource["format"] for resource in shown["resources"]] == ["CSV"]
    assert demo.action("package_show", f"id={shown['id']}")["name"] == "evacuation-sites"

    organizations = demo.action("organization_list", "all_fields:true")
    counts = {organization["name"]: organization["package_count"] for organization in organizations}
    assert sum(counts.values()) == len(demo.published())
    assert counts["somu-ka"] == 2  # AED and evacuation sites.
    assert demo.action("group_show", "id=bosai")["package_count"] == 2

    # KEY:JSON arguments arrive as JSON values, as the command line sends them.
    faceted = demo.action(
        "package_search", 'facet.field:["groups","res_format"]', "rows:0", "fq=groups:bosai"
    )
    assert faceted["count"] == 2
    assert faceted["results"] == []
    assert faceted["facets"]["groups"] == {"bosai": 2}
    assert faceted["facets"]["res_format"] == {"CSV": 2}


def test_ckanapi_action_reports_ckan_errors(demo: DemoPortal) -> None:
    missing = demo.ckanapi("action", "package_show", "id=no-such-data-set")
    assert missing.returncode != 0
    assert "NotFound" in missing.stderr
    invalid = demo.ckanapi("action", "package_search", "fq=metadata_modified:[soon TO *]")
    assert invalid.returncode != 0
    assert "SearchQueryError" in invalid.stderr  # ckanapi's exception for the envelope.


# --- A CKAN harvester's gather stage (ckanext-harvest's CKANHarvester._search_for_datasets):
# GET package_search with `sort=id asc`, `rows` and `start` paging, `fq` naming the time of
# the last harvest minus an hour; stop at the first empty page, fail on a page identical to
# the previous one ("paging doesn't seem to work"), and drop ids already seen (data sets
# changing while it pages).

OLD = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
CUT = "2025-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def harvestable(demo: DemoPortal) -> dict[str, Any]:
    """The demo with a past: every third data set last changed in 2024, before the cut a
    harvester sends; and an API token for a portal administrator editing meanwhile.

    Every third in id order (`id asc`, as the harvester pages), so that the first id of all is
    an old one: the harvest-while-changing test needs an old data set whose id sorts before
    the harvester's second page. Ids are random UUIDs; taken every third by name, no old id
    came before the second page in about one run in fifteen, and that test failed."""
    with demo.blocker.unblock():
        by_id = sorted(demo.published().items(), key=lambda named: named[1])
        names = sorted(name for name, _ in by_id)
        aged = sorted(name for name, _ in by_id[::3])
        for number, name in enumerate(aged):
            moment = OLD + dt.timedelta(days=number)
            Dataset.objects.filter(name=name).update(metadata_modified=moment)
        administrator = User.objects.get(email="sysadmin@example.jp")
        token = api_tokens.create_token(administrator, name="harvest", days=30, staff_scope=True)
    return {"aged": aged, "recent": sorted(set(names) - set(aged)), "token": token[1]}


def harvest(
    url: str, fq: str, rows: int, between_pages: Any = None
) -> tuple[list[dict[str, Any]], list[str], int]:
    """Harvested data sets (duplicates dropped), every id as received, and pages read."""
    params: dict[str, Any] = {"rows": rows, "start": 0, "sort": "id asc", "fq": fq}
    harvested: list[dict[str, Any]] = []
    received: list[str] = []
    previous, pages = None, 0
    while True:
        response = requests.get(f"{url}/api/3/action/package_search", params=params, timeout=30)
        assert response.status_code == 200, response.text
        assert response.content != previous, "paging does not work"
        previous = response.content
        page = response.json()["result"]["results"]
        pages += 1
        received += [package["id"] for package in page]
        seen = {package["id"] for package in harvested}
        harvested += [package for package in page if package["id"] not in seen]
        if not page:
            return harvested, received, pages
        if between_pages:
            between_pages(pages)
        params["start"] += rows


def test_a_full_harvest_sees_every_data_set_once(demo: DemoPortal) -> None:
    published = demo.published()
    harvested, received, pages = harvest(demo.url, "", rows=4)
    assert received == sorted(published.values())  # `id asc`: in id order, no repeats.
    assert pages == -(-len(published) // 4) + 1  # Full pages, then the empty one.
    assert {package["name"] for package in harvested} == set(published)


def test_an_incremental_harvest_sees_what_changed_since_the_cut(
    demo: DemoPortal, harvestable: dict[str, Any]
) -> None:
    published = demo.published()
    harvested, received, pages = harvest(demo.url, f"metadata_modified:[{CUT} TO *]", rows=5)
    assert received == sorted(published[name] for name in harvestable["recent"])
    assert pages >= 4
    assert all(package["metadata_modified"] >= CUT[:19] for package in harvested)
    # The same, with the organisation filter a harvester adds for a configured source.
    somu = harvest(demo.url, f"organization:somu-ka metadata_modified:[{CUT} TO *]", rows=1)[0]
    assert {package["name"] for package in somu} == {"aed", "evacuation-sites"} - set(
        harvestable["aged"]
    )


def test_a_harvest_while_data_sets_change(demo: DemoPortal, harvestable: dict[str, Any]) -> None:
    """Edits while the harvester pages: data sets already seen and not yet seen change (and
    stay in the result); an old one changes and so joins it. With `id asc`, no data set in
    the result is skipped; one joining before the harvester's position shifts the rest by
    one, so one id comes twice, which the harvester drops."""
    published = demo.published()
    recent_ids = sorted(published[name] for name in harvestable["recent"])
    by_id = {pk: name for name, pk in published.items()}
    aged_ids = sorted(published[name] for name in harvestable["aged"])
    rows = 5
    # An old data set whose id sorts before the second page: it will join behind the harvester.
    joining = next(pk for pk in aged_ids if pk < recent_ids[rows])
    edited: list[str] = []

    def edit(name: str) -> None:
        done = demo.ckanapi(
            "action", "package_patch", f"id={name}", "version=2026", "-a", harvestable["token"]
        )
        assert done.returncode == 0, done.stderr + done.stdout
        edited.append(name)

    def between_pages(pages: int) -> None:
        if pages == 1:
            edit(by_id[recent_ids[0]])  # Seen already.
            edit(by_id[recent_ids[-1]])  # Not seen yet.
            edit(by_id[joining])  # Was before the cut.

    harvested, received, _ = harvest(
        demo.url, f"metadata_modified:[{CUT} TO *]", rows=rows, between_pages=between_pages
    )
    assert [package["id"] for package in harvested].count(recent_ids[0]) == 1
    assert {package["id"] for package in harvested} >= set(recent_ids)  # None skipped.
    repeated = sorted({pk for pk in received if received.count(pk) > 1})
    assert len(repeated) <= 1  # The one at the page boundary, moved by the joining data set.
    assert len(harvested) == len(set(received))
    # Harvesting again from the same cut finds the result as it now is: each once.
    again, received_again, _ = harvest(demo.url, f"metadata_modified:[{CUT} TO *]", rows=rows)
    assert received_again == sorted({*recent_ids, joining})
    versions = {package["name"]: package["version"] for package in again}
    assert all(versions[name] == "2026" for name in edited)
