"""Real CKAN clients against a running server: the `ckanapi` library and its command line.

ckanapi maps CKAN's error envelope back to its exceptions by `__type`, posts JSON to
`/api/action/<name>`, and its `dump` and `search` commands page through the catalogue as a
harvester does. If these pass, a CKAN client written for any Japanese portal works here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ckanapi
import pytest

from jichitai.opendata.models import Group, State
from jichitai.opendata.services.catalogue import create_dataset

pytestmark = pytest.mark.django_db(transaction=True)
CKANAPI = str(Path(sys.executable).with_name("ckanapi"))
# `dump` starts its workers as `ckanapi` found on PATH.
CLI_ENVIRONMENT = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


@pytest.fixture
def portal(live_server: Any, departments: dict[str, Any]) -> Iterator[ckanapi.RemoteCKAN]:
    bosai = Group.objects.create(name="bosai", title="防災・防犯")
    create_dataset(
        departments["koseki"],
        name="evacuation-sites",
        title="指定緊急避難場所一覧",
        state=State.ACTIVE,
        tags=["防災"],
        groups=[bosai],
        resources=[{"name": "CSV", "url": "https://example.jp/a.csv", "format": "CSV"}],
    )
    for number in range(12):
        create_dataset(
            departments["kazei"],
            name=f"population-{number:02d}",
            title=f"地域・年齢別人口 {number}",
            state=State.ACTIVE,
        )
    create_dataset(departments["kazei"], name="draft-only", title="下書き", state=State.DRAFT)
    # Closing the client's keep-alive connections lets the server's request threads end and
    # release their database connections before the test database is dropped.
    with ckanapi.RemoteCKAN(live_server.url, user_agent="jichitai-contract-test") as client:
        yield client


def test_actions_through_the_library(portal: ckanapi.RemoteCKAN) -> None:
    found = portal.action.package_search(q="避難", **{"facet.field": '["organization"]'})
    assert [package["name"] for package in found["results"]] == ["evacuation-sites"]
    assert found["facets"]["organization"] == {"koseki": 1}
    assert portal.action.package_show(id="evacuation-sites")["resources"][0]["format"] == "CSV"
    assert portal.action.group_show(id="bosai")["package_count"] == 1
    assert len(portal.action.package_list()) == 13


def test_errors_become_the_library_exceptions(portal: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.NotFound):
        portal.action.package_show(id="draft-only")
    with pytest.raises(ckanapi.ValidationError) as raised:
        portal.action.package_show()
    assert raised.value.error_dict["id"] == ["Missing value"]
    with pytest.raises(ckanapi.SearchQueryError):
        portal.action.package_search(fq="tags:[a TO")  # malformed (an unknown field is not)
    assert portal.action.package_search(fq="undefined_field:1")["count"] == 0


def test_command_line_dump_and_search(portal: ckanapi.RemoteCKAN, tmp_path: Path) -> None:
    dumped = tmp_path / "datasets.jsonl"
    run = [CKANAPI, "dump", "datasets", "--all", "-r", portal.address, "-O", str(dumped), "-q"]
    done = subprocess.run(run, timeout=120, capture_output=True, text=True, env=CLI_ENVIRONMENT)  # noqa: S603
    assert done.returncode == 0, done.stderr + done.stdout
    names = sorted(json.loads(line)["name"] for line in dumped.read_text().splitlines())
    assert names == sorted(["evacuation-sites", *[f"population-{n:02d}" for n in range(12)]])

    search = [CKANAPI, "search", "datasets", "q=人口", "-r", portal.address]
    output = subprocess.run(  # noqa: S603
        search, check=True, timeout=120, capture_output=True, text=True, env=CLI_ENVIRONMENT
    )
    found = [json.loads(line)["name"] for line in output.stdout.splitlines()]
    assert sorted(found) == [f"population-{n:02d}" for n in range(12)]


def test_datastore_actions_through_the_library(portal: ckanapi.RemoteCKAN) -> None:
    import polars as pl

    from jichitai.opendata.datastore.columns import typed_frame
    from jichitai.opendata.datastore.loader import load_frame
    from jichitai.opendata.models import Resource

    resource = Resource.objects.get(dataset__name="evacuation-sites")
    frame = pl.DataFrame({"c0": ["蒲田小学校", "大森中学校"], "c1": ["800", "650"]})
    fields, typed = typed_frame(["名称", "想定収容人数"], frame, None)
    load_frame(resource.pk, fields, typed, source_file_id=None)
    found = portal.action.datastore_search(
        resource_id=str(resource.pk), filters={"名称": "蒲田小学校"}, sort="想定収容人数 desc"
    )
    assert found["records"] == [{"_id": 1, "名称": "蒲田小学校", "想定収容人数": 800}]
    assert portal.action.datastore_info(id=str(resource.pk))["meta"]["count"] == 2
    rows = portal.action.datastore_search_sql(
        sql=f'SELECT sum("想定収容人数") AS total FROM "{resource.pk}"'  # noqa: S608
    )
    assert rows["records"] == [{"total": 1450}]
    with pytest.raises(ckanapi.NotAuthorized):
        portal.action.datastore_search_sql(sql="SELECT * FROM accounts_user")
    with pytest.raises(ckanapi.ValidationError):
        portal.action.datastore_search(resource_id=str(resource.pk), sort="存在しない列")
    with pytest.raises(ckanapi.NotFound):
        portal.action.datastore_search(resource_id="00000000-0000-0000-0000-000000000000")
