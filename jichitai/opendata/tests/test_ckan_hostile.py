"""What the CKAN fuzz test (tests/contract/test_ckan_fuzz.py) found, pinned down: each answered
with CKAN's envelope instead of a server error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jichitai.accounts import api_tokens
from jichitai.opendata.tests.test_ckan_actions import call, error, result

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post"])
def test_nul_characters_are_refused_before_any_query(client, catalogue, method):
    refused = error(
        call(client, "package_show", method, id="evacuation\x00-sites"), 409, "Validation Error"
    )
    assert refused["id"] == ["Invalid characters (NUL or lone surrogate)"]


def test_lone_surrogates_from_json_escapes_are_refused(client, catalogue):
    response = client.post(
        "/api/3/action/package_search",
        '{"q": "\\ud800"}',
        content_type="application/json",
    )
    assert error(response, 409, "Validation Error")["q"]


def test_integers_beyond_what_a_database_stores_are_refused(client, catalogue):
    refused = error(call(client, "package_list", offset=10**30), 409, "Validation Error")
    assert refused["offset"] == ["Must be at most 2147483647"]
    assert result(call(client, "package_search", rows=10**30))["count"] >= 1  # capped at 1000


def test_a_staff_token_reads_as_staff(client, catalogue, make_staff: Any):
    staff = make_staff("clerk")
    _row, token = api_tokens.create_token(staff, name="harvest", days=30, staff_scope=True)
    response = client.get(
        "/api/3/action/package_search",
        {"include_private": "true", "include_drafts": "true"},
        HTTP_AUTHORIZATION=token,
    )
    names = {package["name"] for package in result(response)["results"]}
    assert {"aed-draft", "internal"} <= names  # koseki's draft and private data sets


def test_a_form_body_django_refuses_to_read_gets_a_bad_request(client, catalogue, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    response = client.post("/api/3/action/package_search", {f"k{n}": "v" for n in range(10)})
    assert response.status_code == 400
    assert json.loads(response.content).startswith("Bad request")
