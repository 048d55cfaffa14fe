"""Writing through real CKAN clients: the `ckanapi` command line and library, with a staff
API token sent the way ckanapi sends it (`Authorization` and `X-CKAN-API-Key`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import ckanapi
import pytest

from jichitai.accounts import api_tokens
from jichitai.opendata.models import Dataset, State

pytestmark = pytest.mark.django_db(transaction=True)
CKANAPI = str(Path(sys.executable).with_name("ckanapi"))
CLI_ENVIRONMENT = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


def _cli(live_server: Any, token: str, *arguments: str) -> dict[str, Any]:
    run = [CKANAPI, "action", *arguments, "-r", live_server.url, "-a", token]
    done = subprocess.run(  # noqa: S603
        run, timeout=120, capture_output=True, text=True, env=CLI_ENVIRONMENT
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


def test_create_and_update_with_the_command_line(live_server, make_staff) -> None:
    approver = make_staff("approver")
    token = api_tokens.create_token(approver, name="cli", days=30, staff_scope=True)[1]
    created = _cli(
        live_server,
        token,
        "package_create",
        "name=public-toilets",
        "title=公衆トイレ一覧",
        "notes=区内の公衆トイレ",
        "owner_org=koseki",
        'tags:[{"name": "トイレ"}]',
    )
    assert created["state"] == "active" and created["tags"][0]["name"] == "トイレ"
    updated = _cli(live_server, token, "package_patch", "id=public-toilets", "version=2025")
    assert updated["version"] == "2025" and updated["title"] == "公衆トイレ一覧"
    assert Dataset.objects.get(name="public-toilets").state == State.ACTIVE


def test_library_errors_map_to_its_exceptions(live_server, make_staff) -> None:
    clerk = make_staff("clerk")
    token = api_tokens.create_token(clerk, name="lib", days=30, staff_scope=True)[1]
    with ckanapi.RemoteCKAN(live_server.url, apikey=token) as portal:
        draft = portal.action.package_create(name="draft-set", title="下書き", owner_org="koseki")
        assert draft["state"] == "draft"
        with pytest.raises(ckanapi.ValidationError) as raised:
            portal.action.package_create(name="x", owner_org="koseki")
        assert "name" in raised.value.error_dict
        with pytest.raises(ckanapi.NotAuthorized):
            portal.action.package_patch(id="draft-set", state="active")
        with pytest.raises(ckanapi.NotFound):
            portal.action.package_patch(id="no-such-set", title="x")
        resource = portal.action.resource_create(
            package_id="draft-set", url="https://example.jp/a.csv", format="CSV"
        )
        assert resource["name"] == "a.csv"
    with ckanapi.RemoteCKAN(live_server.url) as anonymous, pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_create(name="anon", owner_org="koseki")
