"""Who can reach an unpublished data set, its resources, files, reports and downloads, and the
data requests, by every URL that names one.

Published data sets are for everyone; a draft (下書き) or private one exists only for staff of
the owning department (課) — and for the system administrator, who sees every department —
and is not found (404) for anyone else, staff of other departments included. Publishing,
withdrawing and deleting take an approver (承認者) or administrator. Statuses as in
tests/access/matrix.py; no resident owns an open data object, so "owner" is one more resident
here. Every request by someone not listed in a row's `changes` leaves the data as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jichitai.opendata.models import DataRequest, Dataset, Resource, ResourceFile, State
from jichitai.opendata.services import data_requests
from jichitai.opendata.services.uploads import check_file, publish_file, receive_upload
from tests.access.matrix import Row, check_row, row

pytestmark = pytest.mark.django_db

WATCHED = [Dataset, Resource, ResourceFile, DataRequest]
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
    row("POST", "/staff/data/{name}/unpublish/", staff_page(403, 302)),
    row("GET", "/staff/data/{name}/delete/", staff_page(403, 200)),
    row(
        "POST",
        "/staff/data/{name}/delete/",
        staff_page(403, 302),
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
        staff_page(302),
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

MATRIX_ROWS = PAGES


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
    private = make_dataset("非公開の内部データ", name="internal", private=True)
    hidden = private.resources.create(name="内部CSV")
    _published_table(approver, hidden, "名称\r\n内部\r\n")
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
        "private_resource": hidden.pk,
        "request": to_koseki.pk,
        "public_request": public.pk,
        "kazei": departments["kazei"].pk,
    }


@pytest.mark.parametrize("request_spec", PAGES, ids=lambda r: r.id)
def test_pages(signed_in, world, request_spec) -> None:
    check_row(signed_in, world["people"], request_spec, world, WATCHED)
