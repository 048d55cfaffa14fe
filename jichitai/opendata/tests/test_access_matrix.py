"""Who can reach an unpublished data set, its resources, files, reports and downloads, and the
data requests, by every URL that names one.

Published data sets are for everyone; a draft (下書き) or private one exists only for staff of
the owning department (課) — and for the system administrator, who sees every department —
and is not found (404) for anyone else, staff of other departments included. Publishing,
withdrawing and deleting take an approver (承認者) or administrator. Statuses as in
tests/access/matrix.py; no resident owns an open data object, so "owner" is one more resident
here. Every request by someone not listed in a row's `changes` leaves the data as it was.

The CKAN Action API has its own rows, called with each persona's API token: reading a private
or draft data set (package_show, resource_show, datastore_search, …) and every write action,
on a private and on a published data set, with CKAN's exact status and error type.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model

from jichitai.governance.models import AuditEvent
from jichitai.opendata.models import (
    DataRequest,
    Dataset,
    DatastoreTable,
    Resource,
    ResourceFile,
    State,
)
from jichitai.opendata.services import data_requests
from jichitai.opendata.services.datastore import load_published_file
from jichitai.opendata.services.uploads import check_file, publish_file, receive_upload
from tests.access.matrix import PERSONAS, Row, check_row, row, token_headers

pytestmark = pytest.mark.django_db

WATCHED = [Dataset, Resource, ResourceFile, DataRequest]
# A refused CKAN call also leaves the datastore, the tags and the audit log as they were.
CKAN_WATCHED: list[type[Model]] = [*WATCHED, DatastoreTable, Dataset.tags.through, AuditEvent]
EDITORS = ("clerk", "approver", "department_admin", "system_admin")
DECIDERS = ("approver", "department_admin", "system_admin")


def staff_page(clerk: int, decider: int | None = None) -> list[int]:
    """A staff page about the draft: its department's staff (and the system administrator,
    who sees every department); other departments and the auditor find nothing."""
    decider = clerk if decider is None else decider
    return [302, 403, 403, clerk, decider, decider, 404, 404, decider, 404]


def unpublished(owning_staff: int) -> list[int]:
    """A public URL naming the draft: not found, except for the staff who may edit it."""
    return [404, 404, 404, owning_staff, owning_staff, owning_staff, 404, 404, owning_staff, 404]


def request_page(department: int, system_admin: int) -> list[int]:
    """A data request of 戸籍住民課 in the staff inbox: its department and the system
    administrator."""
    return [302, 403, 403, department, department, department, 404, 404, system_admin, 404]


def _state(name: str, state: str):
    return lambda v: Dataset.objects.get(name=name).state == state


PAGES: list[Row] = [
    # --- Staff pages about the draft -----------------------------------------------------
    row("GET", "/staff/data/{name}/", staff_page(200)),
    row("GET", "/staff/data/{name}/edit/", staff_page(200)),
    row("POST", "/staff/data/{name}/edit/", staff_page(400), data={"title": ""}),
    # The draft lacks what publication needs (a licence, …): a decider is told so.
    row("POST", "/staff/data/{name}/publish/", staff_page(403, 302)),
    # A draft cannot be withdrawn: a decider is told so; nothing changes.
    row("POST", "/staff/data/{name}/unpublish/", staff_page(403, 302), data={"confirm": "yes"}),
    # Taking a published data set back to draft asks first, on a page of its own; a POST
    # without the page's confirmation changes nothing.
    row("GET", "/staff/data/{public_name}/unpublish/", staff_page(403, 200), note="(published)"),
    row(
        "POST",
        "/staff/data/{public_name}/unpublish/",
        staff_page(403, 400),
        note="(published, not confirmed)",
    ),
    row(
        "POST",
        "/staff/data/{public_name}/unpublish/",
        staff_page(403, 302),
        data={"confirm": "yes"},
        changes=DECIDERS,
        effect=lambda v: Dataset.objects.get(name=v["public_name"]).state == State.DRAFT,
        note="(published)",
    ),
    # Deleting asks first too; a POST without the page's confirmation changes nothing.
    row("GET", "/staff/data/{name}/delete/", staff_page(403, 200)),
    row("POST", "/staff/data/{name}/delete/", staff_page(403, 400), note="(not confirmed)"),
    row(
        "POST",
        "/staff/data/{name}/delete/",
        staff_page(403, 302),
        data={"confirm": "yes"},
        changes=DECIDERS,
        effect=_state("parks", State.DELETED),
    ),
    row("GET", "/staff/data/{name}/resources/new/", staff_page(200)),
    row("POST", "/staff/data/{name}/resources/new/", staff_page(400), data={"name": ""}),
    row("GET", "/staff/data/{name}/resources/{resource}/edit/", staff_page(200)),
    row(
        "POST", "/staff/data/{name}/resources/{resource}/edit/", staff_page(400), data={"name": ""}
    ),
    row(
        "POST",
        "/staff/data/{name}/resources/{resource}/move/",
        staff_page(302),
        data={"direction": "down"},
        changes=EDITORS,
        effect=lambda v: Resource.objects.get(pk=v["resource"]).position == 1,
    ),
    row("GET", "/staff/data/{name}/resources/{resource}/delete/", staff_page(200)),
    row(
        "POST",
        "/staff/data/{name}/resources/{resource}/delete/",
        staff_page(400),
        data={"confirm": "no"},
        note="(not confirmed)",
    ),
    row(
        "POST",
        "/staff/data/{name}/resources/{resource}/delete/",
        staff_page(302),
        data={"confirm": "yes"},
        changes=EDITORS,
        effect=lambda v: Resource.objects.get(pk=v["resource"]).state == State.DELETED,
    ),
    # No file: the form says so.
    row("POST", "/staff/data/{name}/resources/{resource}/upload/", staff_page(400)),
    row(
        "POST",
        "/staff/data/{name}/files/{file}/publish/",
        staff_page(302),
        changes=EDITORS,
        effect=lambda v: Resource.objects.get(pk=v["resource"]).published_file_id == v["file"],
    ),
    # The file has no personal data to clear: the form says so.
    row(
        "POST",
        "/staff/data/{name}/files/{file}/clear/",
        staff_page(400),
        data={"reason": "区のウェブサイトで公表済みです。"},
    ),
    row("GET", "/staff/data/{name}/files/{file}/report.csv", staff_page(200)),
    # --- Public URLs naming the draft ----------------------------------------------------
    row("GET", "/data/{name}/", unpublished(200)),
    row("GET", "/data/{name}/resource/{resource}/", unpublished(200)),
    row(
        "GET",
        "/dataset/{dataset}/resource/{resource}/download/",
        unpublished(200),
        changes=EDITORS,
        effect=lambda v: Resource.objects.get(pk=v["resource"]).download_count == 1,
    ),
    row(
        "GET",
        "/dataset/{private_dataset}/resource/{private_resource}/download/",
        unpublished(200),
        changes=EDITORS,
        effect=lambda v: Resource.objects.get(pk=v["private_resource"]).download_count == 1,
        note="(private)",
    ),
    # The DCAT documents and URIs describe published data sets only, for everyone.
    row("GET", "/dataset/{name}.jsonld", [404] * 10),
    row("GET", "/dataset/{dataset}", [404] * 10),
    row("GET", "/dataset/{dataset}/resource/{resource}", [404] * 10),
    # --- Data requests (データ公開の要望) ---------------------------------------------------
    row("GET", "/data/requests/{request}/", [404] * 10, note="(not public)"),
    row("GET", "/data/requests/{public_request}/", [200] * 10),
    row("GET", "/staff/data/requests/{request}/", request_page(200, 200)),
    row(
        "POST",
        "/staff/data/requests/{request}/answer/",
        request_page(302, 302),
        data={"status": "under_review", "answer": "", "is_public": "on"},
        changes=("clerk", "approver", "department_admin", "system_admin"),
        effect=lambda v: DataRequest.objects.get(pk=v["request"]).status == "under_review",
    ),
    # Only the system administrator sends a request to a department.
    row(
        "POST",
        "/staff/data/requests/{request}/assign/",
        request_page(403, 302),
        data={"department": "{kazei}"},
        changes=("system_admin",),
        effect=lambda v: DataRequest.objects.get(pk=v["request"]).department_id == v["kazei"],
    ),
]

# --- The CKAN Action API (/api/3/action/<name>) ----------------------------------------------
# Each persona calls with their own API token, as CKAN clients do (`Authorization: <token>`);
# staff tokens are made after the second factor (staff scope, ADR 0009). Refusals are CKAN's
# envelope: Authorization Error (403) or Not Found Error (404), checked by `ckan_envelope`.


def ckan_hidden(owning_staff: int) -> list[int]:
    """Reading a draft or private data set, its resources or its datastore table: Not Found,
    as for one that does not exist, for everyone who may not see it — anonymous callers,
    residents, other departments' staff and the auditor."""
    return [404, 404, 404, owning_staff, owning_staff, owning_staff, 404, 404, owning_staff, 404]


def ckan_write(editor: int, decider: int | None = None, *, hidden: bool) -> list[int]:
    """A write action naming a data set of 戸籍住民課. No staff token (anonymous, residents):
    Authorization Error before anything is looked up. Staff who cannot see the data set (a
    draft or private one of another department): Not Found; staff who can see it but not
    change it (a published one of another department, or the auditor's): Authorization
    Error."""
    decider = editor if decider is None else decider
    other = 404 if hidden else 403
    return [403, 403, 403, editor, decider, decider, other, other, decider, other]


CKAN_EDITORS = ("clerk", "approver", "department_admin", "system_admin")
RENAMED = "改名したデータセット"


def _title_is(reference: str, title: str):
    return lambda v: Dataset.objects.get(pk=v[reference]).title == title


def _resource_state(reference: str, state: str):
    return lambda v: Resource.objects.get(pk=v[reference]).state == state


def _resource_name(reference: str, name: str):
    return lambda v: Resource.objects.get(pk=v[reference]).name == name


def _dataset_state(reference: str, state: str):
    return lambda v: Dataset.objects.get(pk=v[reference]).state == state


ACTION = "/api/3/action/"
CKAN: list[Row] = [
    # --- Reads of a private or draft data set ---------------------------------------------
    row("GET", ACTION + "package_show?id={name}", ckan_hidden(200), note="(draft)"),
    row("GET", ACTION + "package_show?id={private_dataset}", ckan_hidden(200), note="(private)"),
    row(
        "POST",
        ACTION + "package_show",
        ckan_hidden(200),
        data={"id": "{private_name}"},
        note="(private, by name)",
    ),
    row("GET", ACTION + "resource_show?id={private_resource}", ckan_hidden(200)),
    row("GET", ACTION + "datastore_search?resource_id={private_resource}", ckan_hidden(200)),
    row("GET", ACTION + "datastore_info?id={private_resource}", ckan_hidden(200)),
    # SQL naming a table the caller may not read is refused as CKAN refuses it (Authorization
    # Error), the same as for a table that does not exist.
    row(
        "POST",
        ACTION + "datastore_search_sql",
        [403, 403, 403, 200, 200, 200, 403, 403, 200, 403],
        data={"sql": 'SELECT "名称" FROM "{private_resource}"'},
    ),
    # --- Writes: only the owning department's staff (publishing and deleting a data set
    # take an approver or administrator, as in the staff pages) -----------------------------
    row(
        "POST",
        ACTION + "package_create",
        [403, 403, 403, 200, 200, 200, 403, 403, 200, 403],
        data={"name": "ckan-new", "title": "新しいデータ", "owner_org": "koseki", "state": "draft"},
        changes=CKAN_EDITORS,
        effect=lambda v: Dataset.objects.filter(name="ckan-new").exists(),
    ),
    row(
        "POST",
        ACTION + "package_patch",
        ckan_write(200, hidden=True),
        data={"id": "{private_dataset}", "title": RENAMED},
        changes=CKAN_EDITORS,
        effect=_title_is("private_dataset", RENAMED),
        note="(private)",
    ),
    row(
        "POST",
        ACTION + "package_patch",
        ckan_write(200, hidden=False),
        data={"id": "{public_name}", "title": RENAMED},
        changes=CKAN_EDITORS,
        effect=_title_is("public_dataset", RENAMED),
        note="(published)",
    ),
    row(
        "POST",
        ACTION + "package_update",
        ckan_write(200, hidden=True),
        data={
            "id": "{name}",
            "name": "{name}",
            "title": RENAMED,
            "owner_org": "koseki",
        },
        changes=CKAN_EDITORS,
        effect=_title_is("dataset", RENAMED),
        note="(draft)",
    ),
    row(
        "POST",
        ACTION + "package_delete",
        ckan_write(403, 200, hidden=True),
        data={"id": "{private_dataset}"},
        changes=DECIDERS,
        effect=_dataset_state("private_dataset", State.DELETED),
        note="(private)",
    ),
    row(
        "POST",
        ACTION + "package_delete",
        ckan_write(403, 200, hidden=False),
        data={"id": "{public_dataset}"},
        changes=DECIDERS,
        effect=_dataset_state("public_dataset", State.DELETED),
        note="(published)",
    ),
    row(
        "POST",
        ACTION + "resource_create",
        ckan_write(200, hidden=True),
        data={
            "package_id": "{private_dataset}",
            "name": "追加CSV",
            "url": "https://example.jp/a.csv",
        },
        changes=CKAN_EDITORS,
        effect=lambda v: Resource.objects.filter(name="追加CSV").exists(),
    ),
    row(
        "POST",
        ACTION + "resource_patch",
        ckan_write(200, hidden=True),
        data={"id": "{private_resource}", "name": "改名CSV"},
        changes=CKAN_EDITORS,
        effect=_resource_name("private_resource", "改名CSV"),
        note="(private)",
    ),
    row(
        "POST",
        ACTION + "resource_update",
        ckan_write(200, hidden=False),
        data={"id": "{public_resource}", "name": "改名CSV", "url": "https://example.jp/b.csv"},
        changes=CKAN_EDITORS,
        effect=_resource_name("public_resource", "改名CSV"),
        note="(published)",
    ),
    row(
        "POST",
        ACTION + "resource_delete",
        ckan_write(200, hidden=True),
        data={"id": "{private_resource}"},
        changes=CKAN_EDITORS,
        effect=_resource_state("private_resource", State.DELETED),
        note="(private)",
    ),
    row(
        "POST",
        ACTION + "resource_delete",
        ckan_write(200, hidden=False),
        data={"id": "{public_resource}"},
        changes=CKAN_EDITORS,
        effect=_resource_state("public_resource", State.DELETED),
        note="(published)",
    ),
]


MATRIX_ROWS = PAGES + CKAN


def _published_table(user: Any, resource: Resource, text: str) -> ResourceFile:
    stored = receive_upload(user, resource, SimpleUploadedFile("t.csv", text.encode()))
    publish_file(user, check_file(stored.pk))
    return stored


@pytest.fixture
def world(make_dataset, personas, make_user, verified_staff, departments) -> dict[str, Any]:
    """A draft data set of 戸籍住民課 (koseki) with two resources, the first offering a
    published file and holding a checked one not yet published; a private data set with a
    published file; a data request to 戸籍住民課 and a public one."""
    approver = verified_staff("approver")
    draft = make_dataset("公園一覧", name="parks", state=State.DRAFT)
    first = draft.resources.create(name="公園CSV", position=0)
    draft.resources.create(name="公園PDF", position=1)
    _published_table(approver, first, "名称,所在地\r\n蒲田公園,蒲田\r\n")
    waiting = check_file(
        receive_upload(
            approver, first, SimpleUploadedFile("t.csv", "名称\r\n池上公園\r\n".encode())
        ).pk
    )
    private = make_dataset("非公開の内部データ", name="internal", private=True, notes="庁内の集計")
    hidden = private.resources.create(name="内部CSV")
    # Loaded into the datastore as the task after publication would.
    load_published_file(_published_table(approver, hidden, "名称\r\n内部\r\n").pk)
    published = make_dataset("公衆トイレ一覧", name="toilets", notes="区内の公衆トイレ")
    offered = published.resources.create(name="トイレCSV")
    to_koseki = data_requests.file_request(
        title="転入者数の月別推移", description="町丁目別", department=departments["koseki"]
    )
    public = data_requests.file_request(title="公園の遊具", description="種類と設置年")
    DataRequest.objects.filter(pk=public.pk).update(is_public=True)
    DataRequest.objects.filter(pk=to_koseki.pk).update(is_public=False)
    return {
        "people": {**personas, "owner": make_user("resident")},
        "name": draft.name,
        "dataset": draft.pk,
        "resource": first.pk,
        "file": waiting.pk,
        "private_dataset": private.pk,
        "private_name": private.name,
        "private_resource": hidden.pk,
        "public_dataset": published.pk,
        "public_name": published.name,
        "public_resource": offered.pk,
        "request": to_koseki.pk,
        "public_request": public.pk,
        "kazei": departments["kazei"].pk,
    }


@pytest.mark.parametrize("request_spec", PAGES, ids=lambda r: r.id)
def test_pages(signed_in, world, request_spec) -> None:
    check_row(signed_in, world["people"], request_spec, world, WATCHED)


CKAN_ERRORS = {403: "Authorization Error", 404: "Not Found Error"}


def ckan_envelope(persona: str, response: Any) -> None:
    """CKAN's envelope: success with 200, and a refusal's exact error type for its status."""
    body = response.json()
    if response.status_code == 200:
        assert body["success"] is True, persona
    else:
        assert body["success"] is False, persona
        assert body["error"]["__type"] == CKAN_ERRORS[response.status_code], (persona, body)


@pytest.mark.parametrize("request_spec", CKAN, ids=lambda r: r.id)
def test_ckan_actions(signed_in, world, request_spec) -> None:
    check_row(
        signed_in,
        world["people"],
        request_spec,
        world,
        CKAN_WATCHED,
        headers_for=token_headers,
        answer=ckan_envelope,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_ckan_search_lists_private_and_draft_data_sets_only_to_their_department(
    client, world, persona
) -> None:
    """package_search asked for everything (include_private, include_drafts) lists the
    private and draft data sets only for their department's staff and the system
    administrator; everyone else gets the published ones."""
    headers = token_headers(world["people"][persona], header="HTTP_X_CKAN_API_KEY")
    response = client.get(
        "/api/3/action/package_search",
        {"include_private": "true", "include_drafts": "true", "rows": "100"},
        **headers,
    )
    assert response.status_code == 200
    names = {package["name"] for package in response.json()["result"]["results"]}
    owning = persona in {"clerk", "approver", "department_admin", "system_admin"}
    assert names == ({"parks", "internal", "toilets"} if owning else {"toilets"}), persona


def test_a_staff_token_without_staff_scope_neither_reads_private_data_nor_writes(
    client, world
) -> None:
    """A token staff made without their second factor acts as nobody in particular."""
    from jichitai.accounts import api_tokens

    _token, text = api_tokens.create_token(world["people"]["department_admin"], name="x", days=30)
    before = Dataset.objects.get(pk=world["private_dataset"]).title
    shown = client.get("/api/3/action/package_show", {"id": "internal"}, HTTP_AUTHORIZATION=text)
    assert shown.status_code == 404 and shown.json()["error"]["__type"] == "Not Found Error"
    patched = client.post(
        "/api/3/action/package_patch",
        {"id": "toilets", "title": RENAMED},
        HTTP_AUTHORIZATION=text,
    )
    assert patched.status_code == 403
    assert patched.json()["error"]["__type"] == "Authorization Error"
    assert Dataset.objects.get(pk=world["private_dataset"]).title == before
    assert Dataset.objects.get(name="toilets").title != RENAMED
