"""Uploading a table: checked in the background, repaired where safe, blocked on personal
data until cleared by an approver, published as UTF-8 with a BOM — never half-published."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.opendata.models import CheckStatus, Dataset, ResourceFile
from jichitai.opendata.services import editing
from jichitai.opendata.services.uploads import clear_personal_data, publish_file, receive_upload
from jichitai.opendata.standards import standard_by_id
from jichitai.opendata.standards.samples import sample_rows

pytestmark = pytest.mark.django_db(transaction=True)
AED = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]


def aed_csv(rows: int = 5, change: Callable[[list[list[str]]], None] | None = None) -> str:
    table = [AED.labels, *sample_rows(AED, rows, title="AED")]
    if change:
        change(table)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    return buffer.getvalue()


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return bytes(handle.read())


def upload(user: Any, resource: Any, content: bytes, name: str = "aed.csv") -> ResourceFile:
    stored = receive_upload(user, resource, SimpleUploadedFile(name, content))
    stored.refresh_from_db()  # The check ran on commit (immediate task backend in tests).
    return stored


def test_a_valid_cp932_table_passes_and_is_published_as_utf8_with_bom(clerk, resource, client):
    stored = upload(clerk, resource, aed_csv().encode("cp932"))
    assert stored.status == CheckStatus.PASSED
    assert (stored.encoding, stored.standard_id, stored.layout) == (
        "cp932",
        "aed-locations",
        "legacy",
    )
    assert stored.row_count == 5 and stored.progress == 100 and stored.stars == 3
    published = stored_bytes(stored.published_storage_name)
    assert published.startswith(b"\xef\xbb\xbf")
    assert (
        published.decode("utf-8-sig")
        .splitlines()[0]
        .startswith("都道府県コード又は市区町村コード,NO")
    )

    assert (
        client.get(f"/dataset/{resource.dataset_id}/resource/{resource.pk}/download/").status_code
        == 404
    )
    publish_file(clerk, stored)
    response = client.get(f"/dataset/{resource.dataset_id}/resource/{resource.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content) == published
    shown = client.get("/api/3/action/resource_show", {"id": str(resource.pk)}).json()["result"]
    assert shown["url"].endswith(f"/dataset/{resource.dataset_id}/resource/{resource.pk}/download/")
    assert (shown["url_type"], shown["format"]) == ("upload", "CSV")
    assert AuditEvent.objects.filter(action="opendata.file.publish").count() == 1


def test_errors_are_reported_by_row_and_column_and_block_publication(clerk, resource):
    def spoil(table: list[list[str]]) -> None:
        table[2][AED.labels.index("緯度")] = "35度33分"
        table[3][AED.labels.index("小児対応設備の有無")] = "あり"

    stored = upload(clerk, resource, aed_csv(change=spoil).encode("utf-8"))
    assert stored.status == CheckStatus.FAILED
    assert [(i["type"], i["row_number"], i["field_name"]) for i in stored.issues] == [
        ("type-error", 3, "緯度"),
        ("constraint-error", 4, "小児対応設備の有無"),
    ]
    assert stored.issues[0]["message"] == "「緯度」の値「35度33分」は数値として読めません。"
    assert stored.published_storage_name == ""
    with pytest.raises(DomainError) as refused:
        publish_file(clerk, stored)
    assert refused.value.code == "opendata.not_publishable"


def declare(resource: Any, standard: str) -> None:
    Dataset.objects.filter(pk=resource.dataset_id).update(conforms_to=standard)


def test_a_declared_standards_missing_required_columns_are_errors_that_block_publication(
    clerk, resource
):
    declare(resource, "aed-locations")
    # 名称,緯度,経度 alone: the older layout fits best, and its 住所 is required.
    stored = upload(clerk, resource, "名称,緯度,経度\r\n区役所,35.56,139.71\r\n".encode())
    assert stored.status == CheckStatus.FAILED and stored.error_count == 1
    assert (stored.standard_id, stored.layout) == ("aed-locations", "legacy")
    assert [(i["type"], i["row_number"], i["field_name"]) for i in stored.issues] == [
        ("missing-label", None, "住所")
    ]
    assert "「住所」の列がありません" in stored.issues[0]["message"]
    assert stored.published_storage_name == ""
    with pytest.raises(DomainError) as refused:
        publish_file(clerk, stored)
    assert refused.value.code == "opendata.not_publishable"
    # The full report (the CSV staff download) names the column too.
    assert "住所" in stored_bytes(stored.report_storage_name).decode("utf-8-sig")


def test_the_declared_standard_is_checked_in_its_current_layout_too(clerk, resource):
    declare(resource, "AED設置箇所一覧")  # the Japanese title names it as well as the id
    current = standard_by_id("aed-locations").current  # type: ignore[union-attr]
    labels = [label for label in current.labels if label not in {"名称", "所在地_連結表記"}]
    rows = [dict(zip(current.labels, row, strict=True)) for row in sample_rows(current, 2)]
    table = [labels, *[[row[label] for label in labels] for row in rows]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    stored = upload(clerk, resource, buffer.getvalue().encode())
    assert (stored.standard_id, stored.layout) == ("aed-locations", "current")
    assert [(i["type"], i["field_name"]) for i in stored.issues] == [
        ("missing-label", "名称"),
        ("missing-label", "所在地_連結表記"),
    ]
    assert stored.status == CheckStatus.FAILED


def test_a_file_following_the_declared_standard_passes_and_a_stranger_is_checked_against_it(
    clerk, resource
):
    declare(resource, "aed-locations")
    assert upload(clerk, resource, aed_csv().encode()).status == CheckStatus.PASSED
    # Without the declaration this file matches no standard and passes; declared, the
    # standard's required columns are asked for.
    plain = "施設,備考\r\n区役所,なし\r\n".encode()
    stored = upload(clerk, resource, plain, "other.csv")
    assert [i["field_name"] for i in stored.issues] == ["名称", "住所"]
    declare(resource, "")
    assert upload(clerk, resource, plain, "other.csv").status == CheckStatus.PASSED
    # A code the register does not know is a label only: nothing more is checked.
    declare(resource, "https://example.jp/standard")
    assert upload(clerk, resource, plain, "other.csv").status == CheckStatus.PASSED


def test_a_declared_standards_missing_optional_columns_are_warnings_only(clerk, resource):
    declare(resource, "aed-locations")
    optional = ["方書", "内線番号", "備考"]
    keep = [n for n, label in enumerate(AED.labels) if label not in optional]
    table = [AED.labels, *sample_rows(AED, 3, title="AED")]
    content = "".join(",".join(row[n] for n in keep) + "\r\n" for row in table)
    stored = upload(clerk, resource, content.encode())
    assert stored.status == CheckStatus.WARNINGS and stored.error_count == 0
    assert [(i["type"], i["field_name"], i["note"]) for i in stored.warnings] == [
        ("missing-label", label, "optional") for label in optional
    ]
    assert stored.warnings[0]["message"] == (
        "準拠する標準データセットの任意項目「方書」の列がありません。"
        "公開はできますが、データがあれば見出しが「方書」の列を加えてください。"
    )
    assert "内線番号" in stored_bytes(stored.report_storage_name).decode("utf-8-sig")
    publish_file(clerk, stored)  # a warning does not block publishing
    # Without a declared standard the same file is matched by its header and not asked for
    # columns it may not mean to have.
    declare(resource, "")
    assert upload(clerk, resource, content.encode()).status == CheckStatus.PASSED


def change_standard(user: Any, resource: Any, standard: str) -> None:
    """Through the service the staff page and CKAN's package_update call."""
    # A published data set keeps what publishing needs: a description and a licence.
    Dataset.objects.filter(pk=resource.dataset_id).update(notes="AED", license_id="cc-by-4.0")
    dataset = Dataset.objects.get(pk=resource.dataset_id)
    editing.edit_dataset(user, dataset, fields={"conforms_to": standard})


def test_files_are_checked_again_when_the_declared_standard_changes(clerk, resource):
    plain = "施設,備考\r\n区役所,なし\r\n".encode()
    published = upload(clerk, resource, aed_csv().encode())
    publish_file(clerk, published)
    pending = upload(clerk, resource, plain, "other.csv")
    assert (published.status, pending.status) == (CheckStatus.PASSED, CheckStatus.PASSED)

    change_standard(clerk, resource, "aed-locations")
    pending.refresh_from_db()
    published.refresh_from_db()
    # The pending file lacks the new standard's required columns: it may no longer be
    # published; its report says why.
    assert pending.status == CheckStatus.FAILED
    assert [i["field_name"] for i in pending.issues] == ["名称", "住所"]
    assert pending.report_storage_name
    with pytest.raises(DomainError):
        publish_file(clerk, pending)
    # The published file follows the standard: checked again, still published, unchanged.
    assert (published.status, published.standard_id) == (CheckStatus.PASSED, "aed-locations")
    assert published.check_attempts == 1
    resource.refresh_from_db()
    assert resource.published_file_id == published.pk
    assert AuditEvent.objects.filter(action="opendata.file.publish").count() == 1

    # Declaring no standard again: the pending file passes, its old report gone.
    change_standard(clerk, resource, "")
    pending.refresh_from_db()
    assert (pending.status, pending.issues, pending.report_storage_name) == (
        CheckStatus.PASSED,
        [],
        "",
    )
    publish_file(clerk, pending)


def test_a_check_running_when_the_standard_changes_is_superseded(clerk, resource):
    stored = upload(clerk, resource, "施設,備考\r\n区役所,なし\r\n".encode())
    # As if a worker had claimed it and were still checking against no standard.
    ResourceFile.objects.filter(pk=stored.pk).update(status=CheckStatus.CHECKING)
    change_standard(clerk, resource, "aed-locations")
    stored.refresh_from_db()
    assert stored.status == CheckStatus.FAILED and stored.check_attempts == 2
    assert [i["field_name"] for i in stored.issues] == ["名称", "住所"]
    # The first check, finishing late, finds a newer one has the last word.
    from jichitai.opendata.services.uploads import _finish

    stale = ResourceFile.objects.get(pk=stored.pk)
    stale.check_attempts, stale.status = 1, CheckStatus.CHECKING
    assert _finish(stale, status=CheckStatus.PASSED).status == CheckStatus.FAILED


def test_codes_missing_their_check_digit_are_repaired_with_a_warning(clerk, resource):
    def drop(table: list[list[str]]) -> None:
        table[1][0] = "13111"

    stored = upload(clerk, resource, aed_csv(change=drop).encode("utf-8"))
    assert stored.status == CheckStatus.WARNINGS
    assert stored.warnings[0]["type"] == "repaired-code"
    assert (stored.warnings[0]["cell"], stored.warnings[0]["note"]) == ("13111", "131113")
    published = stored_bytes(stored.published_storage_name).decode("utf-8-sig")
    assert published.splitlines()[1].startswith("131113,")


def test_a_six_digit_code_with_a_wrong_check_digit_is_an_error(clerk, resource):
    def spoil(table: list[list[str]]) -> None:
        table[2][0] = "131114"

    stored = upload(clerk, resource, aed_csv(change=spoil).encode("utf-8"))
    assert stored.status == CheckStatus.FAILED and stored.error_count == 1
    [issue] = stored.issues
    assert (issue["type"], issue["row_number"], issue["cell"]) == ("municipality-code", 3, "131114")
    assert "「131113」" in issue["message"]


def test_the_full_report_keeps_every_issue(clerk, resource):
    """More issues than the database keeps: the stored CSV has every one of them."""
    count = 1_200

    def spoil(table: list[list[str]]) -> None:
        for row in table[1:]:
            row[AED.labels.index("緯度")] = "北緯35度"

    stored = upload(clerk, resource, aed_csv(rows=count, change=spoil).encode("utf-8"))
    assert stored.error_count == count and len(stored.issues) == 1000
    lines = stored_bytes(stored.report_storage_name).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + count
    assert lines[-1].startswith(f"エラー,type-error,{count + 1},")
    assert [row["row"] for row in stored.report_rows] == list(range(2, 22))


def test_a_title_line_above_the_header_is_skipped(clerk, resource):
    content = "大田区 AED設置箇所一覧（サンプル）\r\n\r\n" + aed_csv()
    stored = upload(clerk, resource, content.encode("utf-8"))
    assert stored.status == CheckStatus.PASSED and stored.row_count == 5


def test_personal_data_blocks_until_an_approver_clears_it(clerk, resource, verified_staff):
    content = "名称,担当者氏名,備考\r\n区役所,山田 太郎,\r\n図書館,鈴木 花子,123456789018\r\n"
    stored = upload(clerk, resource, content.encode("utf-8"))
    assert stored.status == CheckStatus.BLOCKED
    assert {(f["label"], f["reason"]) for f in stored.personal_data} == {
        ("担当者氏名", "label"),
        ("備考", "my_number"),
    }
    with pytest.raises(DomainError):
        publish_file(clerk, stored)
    with pytest.raises(DomainError) as refused:
        clear_personal_data(clerk, stored, "公開されている情報です。確認済み。")
    assert refused.value.code == "opendata.clearance_forbidden"
    approver = verified_staff("approver")
    with pytest.raises(DomainError) as short:
        clear_personal_data(approver, stored, "OK")
    assert short.value.field == "reason"
    cleared = clear_personal_data(
        approver, stored, "職員の氏名は公表済みで、番号は架空のものです。"
    )
    publish_file(clerk, cleared)
    assert AuditEvent.objects.filter(action="opendata.personal_data.clear").count() == 1


def test_personal_data_in_a_standards_remarks_blocks_publication(clerk, resource):
    """The reviewer's case: a matched AED file whose 備考 names a person with a mobile number
    and a mail address; the facility's own 電話番号 column is not flagged."""

    def remark(table: list[list[str]]) -> None:
        table[3][AED.labels.index("備考")] = "大田 太郎 090-1234-5678 taro@example.com"

    stored = upload(clerk, resource, aed_csv(change=remark).encode("cp932"))
    assert stored.standard_id == "aed-locations"
    assert stored.status == CheckStatus.BLOCKED
    assert {(f["label"], f["reason"], tuple(f["rows"])) for f in stored.personal_data} == {
        ("備考", "mobile_in_text", (4,)),
        ("備考", "email_in_text", (4,)),
    }


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "opendata.markup_refused"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "opendata.markup_refused",
        ),
        (b"PK\x05\x06" + b"\0" * 18, "opendata.archive_refused"),
        (b"\x1f\x8b\x08\x00", "opendata.archive_refused"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "opendata.legacy_office_refused"),
        (b"", "opendata.empty_file"),
    ],
)
def test_hostile_files_are_refused_by_content_not_name(clerk, resource, content, code):
    with pytest.raises(DomainError) as refused:
        receive_upload(clerk, resource, SimpleUploadedFile("data.csv", content))
    assert refused.value.code == code
    assert not ResourceFile.objects.exists()


def test_an_xlsx_is_checked_like_a_csv_and_published_as_csv(clerk, resource, client):
    from jichitai.opendata.tests.test_xlsx import workbook

    rows = [list(row) for row in sample_rows(AED, 3, title="AED")]
    rows[1][AED.labels.index("緯度")] = "35度33分"
    stored = upload(clerk, resource, workbook(AED.labels, *rows), name="aed.xlsx")
    assert (stored.format, stored.status, stored.standard_id) == (
        "XLSX",
        CheckStatus.FAILED,
        "aed-locations",
    )
    assert [(i["type"], i["row_number"], i["field_name"]) for i in stored.issues] == [
        ("type-error", 3, "緯度")
    ]

    stored = upload(clerk, resource, workbook(AED.labels, *sample_rows(AED, 3, title="AED")))
    assert (stored.status, stored.row_count, stored.stars) == (CheckStatus.PASSED, 3, 3)
    publish_file(clerk, stored)
    response = client.get(f"/dataset/{resource.dataset_id}/resource/{resource.pk}/download/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.splitlines()[0].startswith("都道府県コード又は市区町村コード,NO")


def test_a_zip_bomb_named_xlsx_is_unreadable_with_a_reason_and_never_published(clerk, resource):
    from jichitai.opendata.tests.test_xlsx import with_entries

    stored = upload(clerk, resource, with_entries({"xl/x.xml": b"\0" * 5_000_000}), name="aed.xlsx")
    assert stored.status == CheckStatus.UNREADABLE
    assert "圧縮爆弾" in stored.message
    assert stored.published_storage_name == ""


def test_the_published_csv_defuses_formulas_but_keeps_negative_numbers(clerk, resource):
    content = (
        "名称,リンク,増減,人口\r\n"
        '区役所,"=HYPERLINK(""http://evil.example/"",""x"")",-12,-3\r\n'
        "図書館,@SUM(A1),+5,7\r\n"
    )
    stored = upload(clerk, resource, content.encode("utf-8"))
    assert stored.status == CheckStatus.WARNINGS  # the formula cells are reported
    assert {w["type"] for w in stored.warnings} == {"formula-cell"}
    published = stored_bytes(stored.published_storage_name).decode("utf-8-sig")
    # No standard matched: every column is text, so even -12 is defused.
    assert list(csv.reader(io.StringIO(published)))[1:] == [
        ["区役所", '\'=HYPERLINK("http://evil.example/","x")', "'-12", "'-3"],
        ["図書館", "'@SUM(A1)", "'+5", "7"],
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\x01\x02\x03binary\xff\xfe\x00junk" * 50, "制御文字"),
        (b"\n\n , ,\r\n", "表が空です"),
        (b'a,b\r\n"unterminated,1\r\n' + b"x" * 200_000, "CSV として読めません"),
    ],
)
def test_junk_named_csv_is_unreadable_with_a_reason(clerk, resource, content, reason):
    stored = upload(clerk, resource, content)
    assert stored.status == CheckStatus.UNREADABLE, stored.message
    assert reason in stored.message
    assert stored.published_storage_name == ""


def test_ragged_rows_are_reported_not_crashed_on(clerk, resource):
    content = "名称,住所,電話\r\n区役所,蒲田5-13-14\r\n図書館,大森,03,余分,もっと\r\n\r\n"
    stored = upload(clerk, resource, content.encode("utf-8"))
    assert stored.status == CheckStatus.FAILED
    assert [(i["type"], i["row_number"]) for i in stored.issues] == [
        ("missing-cell", 2),
        ("extra-cell", 3),
        ("extra-cell", 3),
        ("blank-row", 4),
    ]


def test_oversized_files_are_refused_before_storing(clerk, resource, settings):
    settings.JICHITAI_OPENDATA_MAX_UPLOAD_BYTES = 100
    with pytest.raises(DomainError) as refused:
        receive_upload(clerk, resource, SimpleUploadedFile("big.csv", b"a,b\n" * 100))
    assert refused.value.code == "opendata.too_large"
    assert not ResourceFile.objects.exists()


def test_undecodable_bytes_make_an_unreadable_file_with_a_reason(clerk, resource):
    stored = upload(clerk, resource, "名称\n".encode("cp932") + b"\x81\xff\xfe\x85\n")
    assert stored.status == CheckStatus.UNREADABLE
    assert "文字コードを判別できません" in stored.message


def test_staff_of_another_department_cannot_upload(verified_staff, resource):
    outsider = verified_staff("clerk", department="kazei")
    with pytest.raises(DomainError) as refused:
        receive_upload(outsider, resource, SimpleUploadedFile("a.csv", b"a\n1\n"))
    assert refused.value.code == "opendata.forbidden"


def test_pdfs_are_kept_as_uploaded_and_earn_one_star(clerk, resource, client):
    from jichitai.opendata.tests.test_file_checks import pdf

    stored = upload(clerk, resource, pdf(), name="report.pdf")
    assert (stored.status, stored.format, stored.stars) == (CheckStatus.PASSED, "PDF", 1)
    assert (stored.page_count, stored.row_count) == (2, None)
    publish_file(clerk, stored)
    response = client.get(f"/dataset/{resource.dataset_id}/resource/{resource.pk}/download/")
    assert response["Content-Type"] == "application/pdf"
    response.close()
    assert Dataset.objects.get().metadata_modified >= stored.uploaded_at


def test_a_pdf_with_javascript_fails_its_check_and_cannot_be_published(clerk, resource):
    from jichitai.opendata.tests.test_file_checks import open_action, pdf

    stored = upload(clerk, resource, pdf(open_action("/JavaScript", "/JS", "app.alert(1)")))
    assert (stored.status, stored.error_count) == (CheckStatus.FAILED, 1)
    assert stored.issues[0]["type"] == "pdf-javascript"
    with pytest.raises(DomainError):
        publish_file(clerk, stored)


def test_a_broken_pdf_is_unreadable(clerk, resource):
    stored = upload(clerk, resource, b"%PDF-1.7\n%sample\n", name="report.pdf")
    assert stored.status == CheckStatus.UNREADABLE
    assert "PDF として読めません" in stored.message


def test_geojson_with_swapped_coordinates_fails_by_feature(clerk, resource):
    from jichitai.opendata.tests.test_file_checks import collection

    raw = collection(
        {"type": "Point", "coordinates": [139.716, 35.561]},
        {"type": "Point", "coordinates": [35.561, 139.716]},
    )
    stored = upload(clerk, resource, raw, name="shelters.geojson")
    assert (stored.format, stored.status, stored.row_count) == ("GEOJSON", CheckStatus.FAILED, 2)
    assert [(i["type"], i["row_number"]) for i in stored.issues] == [("geojson-swapped", 2)]
    valid = upload(clerk, resource, collection({"type": "Point", "coordinates": [139.7, 35.5]}))
    assert valid.status == CheckStatus.PASSED and valid.stars == 3
    publish_file(clerk, valid)


def test_a_check_that_crashes_marks_the_file_unreadable_instead_of_leaving_it_checking(
    clerk, resource, monkeypatch
):
    from jichitai.opendata.services import uploads

    def explode(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(uploads, "check_bytes", explode)
    stored = upload(clerk, resource, aed_csv().encode())
    assert stored.status == CheckStatus.UNREADABLE
    assert "確認の途中でエラーが起きました" in stored.message
