"""Every registered CKAN action, called with random and hostile parameters, answers with CKAN's
envelope and never a server error.

The actions come from the registry (`opendata.ckan.registry.ACTIONS`), so actions added later
are covered without touching this test. Parameters are drawn from the names the actions read
plus random ones, with values of every JSON type: huge and negative numbers, NUL bytes, lone
surrogates, deep lists, Japanese text. They travel as CKAN clients send them: a query string
(GET), a JSON body, a form, or a body that is not JSON at all. Runs in process through the
Django test client, on SQLite and on PostgreSQL (which refuses NUL bytes in text).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.accounts import api_tokens
from jichitai.accounts.roles import Role
from jichitai.opendata.ckan import views  # noqa: F401  (registers every action)
from jichitai.opendata.ckan.registry import ACTIONS
from jichitai.opendata.services.catalogue import create_dataset

ACTION_NAMES = sorted(ACTIONS)
# What CKAN's actions read (core, datastore and write actions), so that random values reach
# the code that interprets them rather than being ignored.
PARAMETER_NAMES = [
    "id", "name", "q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field",
    "facet.limit", "facet.mincount", "include_private", "include_drafts", "include_deleted",
    "limit", "offset", "all_fields", "organizations", "groups", "include_datasets",
    "include_dataset_count", "include_extras", "include_users", "include_groups", "query",
    "vocabulary_id", "type", "title", "notes", "owner_org", "resources", "tags", "extras",
    "url", "format", "package_id", "private", "state", "license_id", "resource_id",
    "filters", "fields", "records_format", "sql", "distinct", "plain", "language",
    "include_total", "total_estimation_threshold", "upload", "description", "position",
    "callback", "use_default_schema",
]  # fmt: skip

HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "*:*",
    "id asc",
    "metadata_modified:[2024-01-01T00:00:00Z TO *]",
    "-organization:koseki",
    "title:(",
    '"unterminated',
    "[]",
    "{}",
    '["tags"]',
    "null",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "SELECT * FROM auth_user",
    "避難所",
    "ﾃｽﾄ・データ",
    "💾" * 50,
    "x" * 5000,
    "../../etc/passwd",
    "00000000-0000-0000-0000-000000000000",
]
HOSTILE_TEXT = st.sampled_from(HOSTILE_STRINGS)
HOSTILE_VALUES: list[Any] = [*HOSTILE_STRINGS, 10**30, -(10**30), -1, 1.5, True, None, [], {}]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    HOSTILE_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


# Mostly names the actions read, so that values reach the code that interprets them.
def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"\0" * 5_000_000)
    return buffer.getvalue()


# Files a hostile or careless client uploads with resource_create.
UPLOADS = [
    b"",
    "名称,緯度\r\n区役所,35.56\r\n".encode("cp932"),
    b'a,b\r\n"=HYPERLINK(""http://x"")",-1\r\n',
    b"<!DOCTYPE html><script>alert(1)</script>",
    b"%PDF-1.7\n%broken",
    b"PK\x03\x04broken",
    _zip_bomb(),
    b"\x00\x01\x02binary",
    b'{"type": "FeatureCollection", "features": [1]}',
]
PARAMETERS = st.dictionaries(
    st.sampled_from(PARAMETER_NAMES) | st.sampled_from(PARAMETER_NAMES) | st.text(max_size=12),
    HOSTILE_TEXT | VALUES,
    min_size=1,
    max_size=30,
)


@st.composite
def calls(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(ACTION_NAMES) | st.sampled_from(["nope", "\x00", "package_"]))
    mode = draw(st.sampled_from(["get", "json", "form", "raw", "multipart"]))
    parameters = draw(PARAMETERS)
    raw = draw(
        st.sampled_from([b"{", b"[1, 2]", b'"text"', b"\xff\xfe\x00", b'{"id": NaN}', b"null"])
        | st.binary(max_size=64)
    )
    upload = draw(st.sampled_from(UPLOADS) | st.binary(max_size=256))
    credentials = draw(st.sampled_from(["none", "bad", "staff"]))
    prefix = draw(st.sampled_from(["/api/3/action", "/api/action"]))
    return {
        "name": name,
        "mode": mode,
        "parameters": parameters,
        "raw": raw,
        "upload": upload,
        "credentials": credentials,
        "prefix": prefix,
    }


def printable(value: Any) -> str:
    """A parameter as a multipart form carries it (which cannot hold a lone surrogate)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def encoded(parameters: dict[str, Any]) -> str:
    """Parameters as a query string or form carries them, byte for byte: a lone surrogate
    travels as the invalid UTF-8 a broken client would send."""

    def quoted(value: Any) -> str:
        text = value if isinstance(value, str) else json.dumps(value)
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{quoted(key)}={quoted(value)}" for key, value in parameters.items())


def send(client: Client, call: dict[str, Any], token: str) -> Any:
    path = f"{call.get('prefix', '/api/3/action')}/{call['name']}"
    headers: dict[str, str] = {}
    if call["credentials"] == "staff":
        headers["Authorization"] = token
    elif call["credentials"] == "bad":
        headers["X-CKAN-API-Key"] = "not-a-token"
    parameters = call["parameters"]
    if call["mode"] == "get":
        return client.generic("GET", path, QUERY_STRING=encoded(parameters), headers=headers)
    if call["mode"] == "form":
        form = encoded(parameters).encode()
        return client.generic(
            "POST", path, form, "application/x-www-form-urlencoded", headers=headers
        )
    if call["mode"] == "raw":
        return client.generic("POST", path, call["raw"], "application/json", headers=headers)
    if call["mode"] == "multipart":
        fields: dict[str, Any] = {printable(k): printable(v) for k, v in parameters.items()}
        fields["upload"] = SimpleUploadedFile("data.csv", call["upload"])
        return client.post(path, fields, headers=headers)
    body = json.dumps(parameters)  # lone surrogates travel as \\ud800 escapes
    return client.generic("POST", path, body.encode(), "application/json", headers=headers)


def assert_ckan_answer(response: Any, call: dict[str, Any]) -> None:
    assert response.status_code < 500, (call, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), call
    body = json.loads(response.content)
    if isinstance(body, str):
        # CKAN answers a request it cannot route or read with a bare JSON string.
        assert response.status_code in {400, 405} and body.startswith("Bad request"), body
        return
    assert body["help"].startswith("http"), body
    if response.status_code == 200:
        assert body["success"] is True and "result" in body, body
    else:
        assert body["success"] is False, body
        assert isinstance(body["error"]["__type"], str), body


@pytest.fixture
def ckan_data(departments: dict[str, Any], make_staff: Any) -> str:
    """Something for the actions to find, and a token of staff who may edit it."""
    for number, department in enumerate(["koseki", "kazei"]):
        create_dataset(
            departments[department],
            name=f"shelters-{number}",
            title="指定緊急避難場所一覧",
            state="active",
            tags=["防災", "避難・災害"],
            resources=[{"name": "CSV", "url": "https://example.jp/a.csv", "format": "CSV"}],
        )
    staff = make_staff(Role.CLERK)
    _row, token = api_tokens.create_token(staff, name="fuzz", days=30, staff_scope=True)
    return token


@pytest.mark.django_db
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(call=calls())
def test_every_action_answers_hostile_parameters_with_ckans_envelope(ckan_data, call):
    assert_ckan_answer(send(Client(), call, ckan_data), call)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTION_NAMES)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "OPTIONS"])
def test_every_action_answers_no_parameters_and_every_method(ckan_data, client, name, method):
    response = client.generic(method, f"/api/3/action/{name}")
    assert_ckan_answer(response, {"name": name, "method": method})


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTION_NAMES)
def test_every_parameter_carrying_each_hostile_value_gets_an_envelope(ckan_data, client, name):
    """Systematically, beside the random search: each hostile value in every parameter at
    once, sent each way a client may send it."""
    failures = []
    for value in HOSTILE_VALUES:
        for mode in ["get", "json", "form"]:
            call = {
                "name": name,
                "mode": mode,
                "parameters": dict.fromkeys(PARAMETER_NAMES, value),
                "credentials": "staff",
            }
            try:
                # A savepoint: on PostgreSQL a failed query would poison the calls after it.
                with transaction.atomic():
                    assert_ckan_answer(send(client, call, ckan_data), call)
            except Exception as error:  # collect them all: one run shows every fault
                failures.append(f"{mode} {value!r}: {type(error).__name__}: {str(error)[:200]}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("content", UPLOADS, ids=range(len(UPLOADS)))
def test_hostile_files_sent_to_resource_create_get_an_envelope_and_never_half_publish(
    ckan_data, client, content
):
    from jichitai.opendata.models import CheckStatus, Resource, ResourceFile

    response = client.post(
        "/api/3/action/resource_create",
        {
            "package_id": "shelters-0",
            "name": "届いたファイル",
            "upload": SimpleUploadedFile("x.csv", content),
        },
        HTTP_AUTHORIZATION=ckan_data,
    )
    assert_ckan_answer(response, {"content": content[:50]})
    for stored in ResourceFile.objects.all():
        # Checked to the end (the test's task backend runs at once), whatever the file held.
        assert stored.status not in {CheckStatus.QUEUED, CheckStatus.CHECKING}
        if Resource.objects.filter(published_file=stored).exists():
            assert stored.status in {CheckStatus.PASSED, CheckStatus.WARNINGS}


DATASTORE_ACTIONS = sorted(name for name in ACTIONS if name.startswith("datastore_"))
DATASTORE_PARAMETERS = st.dictionaries(
    st.sampled_from(
        [
            "filters",
            "q",
            "fields",
            "sort",
            "limit",
            "offset",
            "distinct",
            "include_total",
            "records_format",
            "sql",
            "plain",
            "language",
        ]
    ),
    HOSTILE_TEXT
    | VALUES
    | st.sampled_from(["名称", "定員 desc", '"名称" asc nulls first', '{"定員": "x"}']),
    max_size=8,
)


@pytest.fixture
def loaded_resource(ckan_data: str) -> str:
    """A published resource with a table in the datastore, for the datastore actions."""
    import polars as pl

    from jichitai.opendata.datastore.columns import typed_frame
    from jichitai.opendata.datastore.loader import load_frame
    from jichitai.opendata.models import Resource

    resource = Resource.objects.filter(dataset__name="shelters-0").get()
    frame = pl.DataFrame(
        {"c0": ["区役所", "=1+1", ""], "c1": ["10", "", "3"], "c2": ["2024-01-01"] * 3}
    )
    fields, typed = typed_frame(["名称", "定員", "開設日"], frame, None)
    load_frame(resource.pk, fields, typed, source_file_id=None)
    return str(resource.pk)


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(DATASTORE_ACTIONS),
    mode=st.sampled_from(["get", "json", "form"]),
    parameters=DATASTORE_PARAMETERS,
)
def test_datastore_actions_answer_hostile_parameters_on_a_loaded_table(
    ckan_data, loaded_resource, name, mode, parameters
):
    call = {
        "name": name,
        "mode": mode,
        "parameters": {"resource_id": loaded_resource, **parameters},
        "credentials": "none",
    }
    # A savepoint: on PostgreSQL a failed query would poison the calls after it.
    with transaction.atomic():
        assert_ckan_answer(send(Client(), call, ckan_data), call)
