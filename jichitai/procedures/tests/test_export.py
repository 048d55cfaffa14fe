"""CSV export of the inbox: who may, what it holds, CP932 with its report of replaced
characters, formula injection, and the audit log."""

import csv
import io

import pytest

from jichitai.governance.models import AuditEvent
from jichitai.procedures.services import casework
from jichitai.procedures.tests.casework_helpers import apply_with_name, open_for_names

pytestmark = pytest.mark.django_db

URL = "/staff/applications/export/"


@pytest.fixture
def procedure(catalogue):
    return open_for_names(catalogue["jido"])


@pytest.fixture
def rows(procedure, make_user):
    return {
        "yoshino": apply_with_name(
            make_user("resident"), procedure, "𠮷野", "一郎", "ヨシノ", "イチロウ", "犬😀"
        ),
        "takahashi": apply_with_name(
            make_user("resident"), procedure, "髙橋", "①子", "タカハシ", "イチコ", "=1+2"
        ),
    }


@pytest.fixture
def approver_client(client, make_staff, signed_in):
    approver = make_staff("approver", department="koseki")
    signed_in(client, approver)
    client.user = approver
    return client


def _csv(response, encoding: str) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode(encoding), newline="")))


def test_the_export_page_reports_what_shift_jis_cannot_hold(approver_client, rows) -> None:
    page = approver_client.get(URL)
    assert page.status_code == 200 and page.context["count"] == 2
    text = page.content.decode()
    assert "3か所の文字が「〓」に置き換わります" in text
    assert rows["yoshino"].receipt_number in text
    assert "𠮷" in text and "U+20BB7" in text and "U+1F600" in text
    # 𠮷 in the applicant-name and the answer columns; 髙 and ① are in CP932: not reported.
    reported = {
        (item.row_key, item.column, item.characters)
        for item, _codes in page.context["replacements"]
    }
    number = rows["yoshino"].receipt_number
    assert reported == {
        (number, "申請者氏名", "𠮷"),
        (number, "氏名", "𠮷"),
        (number, "内容", "😀"),
    }
    assert not AuditEvent.objects.filter(action__startswith="personal_data.export").exists()
    check = AuditEvent.objects.get(action="application.export_check")
    assert check.detail == {"count": 2, "replaced_cells": 3}


def test_cp932_download(approver_client, rows) -> None:
    response = approver_client.post(URL, {"encoding": "cp932"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert response["Content-Disposition"].startswith('attachment; filename="applications-')
    assert "no-store" in response["Cache-Control"]
    table = _csv(response, "cp932")
    assert table[0][:7] == [
        "受付番号",
        "手続き",
        "状態",
        "申請日時",
        "処理期限",
        "担当者",
        "申請者氏名",
    ]
    assert table[0][7:] == ["氏名", "内容"]
    by_number = {row[0]: row for row in table[1:]}
    yoshino = by_number[rows["yoshino"].receipt_number]
    assert yoshino[2] == "受付" and yoshino[6] == "〓野 一郎" and yoshino[8] == "犬〓"
    takahashi = by_number[rows["takahashi"].receipt_number]
    assert takahashi[6] == "髙橋 ①子"
    assert takahashi[7] == "髙橋 ①子（タカハシ イチコ）"
    assert takahashi[8] == "'=1+2"  # a formula is never run by the spreadsheet


def test_utf8_download_keeps_everything_with_a_bom(approver_client, rows) -> None:
    response = approver_client.post(URL, {"encoding": "utf-8"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = _csv(response, "utf-8-sig")
    names = {row[6] for row in table[1:]}
    assert names == {"𠮷野 一郎", "髙橋 ①子"}


def test_exports_are_audited_per_applicant_and_as_a_whole(approver_client, rows) -> None:
    approver_client.post(URL, {"encoding": "cp932"})
    per_person = AuditEvent.objects.filter(action="personal_data.export")
    assert {event.subject_id for event in per_person} == {
        application.applicant_id for application in rows.values()
    }
    assert all(event.detail == {"purpose": "application.export"} for event in per_person)
    assert all(event.actor_id == approver_client.user.pk for event in per_person)
    summary = AuditEvent.objects.get(action="application.export")
    assert summary.detail == {"count": 2, "encoding": "cp932", "replaced_cells": 3}


def test_the_export_follows_the_inbox_filters(approver_client, rows, make_staff) -> None:
    casework_user = approver_client.user
    casework_user.is_verified = lambda: True
    casework.assign(casework_user, rows["takahashi"], casework_user)
    inbox = approver_client.get("/staff/applications/", {"q": "髙橋"}).content.decode()
    assert f'href="{URL}?q=' in inbox
    page = approver_client.get(URL, {"q": "髙橋"})
    assert page.context["count"] == 1 and page.context["replacement_count"] == 0
    assert 'name="q" value="髙橋"' in page.content.decode()
    response = approver_client.post(URL, {"q": "髙橋", "encoding": "utf-8"})
    table = _csv(response, "utf-8-sig")
    assert [row[0] for row in table[1:]] == [rows["takahashi"].receipt_number]
    assert table[1][5] == casework_user.display_name
    assert AuditEvent.objects.get(action="application.export").detail["count"] == 1


def test_bad_choices_are_refused_with_nothing_exported(approver_client, rows) -> None:
    bad = approver_client.post(URL, {"encoding": "latin-1"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("text/html")
    assert bad.context["form"].has_error("encoding")
    assert approver_client.get(URL, {"status": "lost"}).status_code == 400
    assert not AuditEvent.objects.filter(action="application.export").exists()


def test_a_post_without_a_choice_is_refused_beside_the_field(approver_client, rows) -> None:
    """Browsers always send the preselected encoding; a client that sends nothing is told."""
    response = approver_client.post(URL, {})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<a href="#id_encoding_0">文字コード：このフィールドは必須です。</a>' in page
    assert '<fieldset class="field__group" aria-describedby="id_encoding_error">' in page
    assert '<p class="field__error" id="id_encoding_error">' in page
    assert not AuditEvent.objects.filter(action="application.export").exists()


def test_clerks_may_not_export(client, make_staff, signed_in, rows) -> None:
    signed_in(client, make_staff("clerk", department="koseki"))
    assert "CSVでダウンロード" not in client.get("/staff/applications/").content.decode()
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"encoding": "utf-8"}).status_code == 403


def test_another_departments_approver_exports_none_of_these(
    client, make_staff, signed_in, rows
) -> None:
    signed_in(client, make_staff("approver", department="kazei"))
    response = client.post(URL, {"encoding": "utf-8"})
    assert _csv(response, "utf-8-sig")[1:] == []


@pytest.mark.parametrize("role", ["system_admin", "auditor"])
def test_organisation_roles_may_not_export(client, make_staff, signed_in, rows, role) -> None:
    signed_in(client, make_staff(role))
    assert client.get(URL).status_code == 403


def test_export_page_query_count_is_flat(approver_client, procedure, make_user) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert approver_client.get(URL).status_code == 200
        return len(captured)

    apply_with_name(make_user("resident"), procedure, "山田", "一郎", "ヤマダ", "イチロウ")
    few = queries()
    for index in range(10):
        apply_with_name(make_user("resident"), procedure, "山田", f"{index}郎", "ヤマダ", "ロウ")
    assert queries() == few
