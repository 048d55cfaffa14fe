"""Staff upload a CP932 file with errors, read the report (a table with the bad cells marked
and linked to their messages), fix the file, upload it again and publish; a file naming a
person is held back until an approver clears it with a reason — by keyboard, with and without
JavaScript, axe-clean."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import FilePayload, Page, expect

from jichitai.opendata.models import CheckStatus, ResourceFile
from jichitai.opendata.services import editing
from jichitai.opendata.services.catalogue import create_dataset
from jichitai.opendata.services.uploads import publish_file, receive_upload
from jichitai.opendata.standards import standard_by_id
from jichitai.opendata.standards.samples import sample_rows
from tests.browser.conftest import axe_violations, sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)
AED = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]


def _axe_clean(page: Page, javascript: bool) -> bool:
    """axe-clean, with or without JavaScript (`javascript` names the run)."""
    return axe_violations(page) == []


def aed_cp932(*, spoiled: bool) -> bytes:
    rows = [AED.labels, *sample_rows(AED, 6, title="AED")]
    rows[1][AED.labels.index("名称")] = "髙島屋前ＡＥＤ"  # an IBM extension character: CP932 only
    if spoiled:
        rows[2][AED.labels.index("緯度")] = "35度33分"
        rows[4][0] = "131114"  # a wrong check digit
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("cp932")


def _upload(page: Page, resource: Any, content: bytes, name: str) -> None:
    payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": content}
    page.locator(f"#upload-{resource.pk}-file").set_input_files(files=[payload])
    page.get_by_role("button", name="アップロードして確認する").press("Enter")
    expect(page.get_by_text("ファイルを受け付けました。")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False])
def test_staff_upload_read_the_report_fix_and_publish(
    page: Page,
    page_without_js: Page,
    departments: dict[str, Any],
    make_staff: Any,
    javascript: bool,
) -> None:
    from conftest import TEST_PASSWORD

    page = page if javascript else page_without_js
    dataset = create_dataset(departments["koseki"], title="AED設置箇所一覧", name="aed")
    resource = dataset.resources.create(name="AED一覧（CSV）")
    sign_in_staff(page, make_staff("approver"), TEST_PASSWORD)
    page.goto("/staff/data/aed/")

    _upload(page, resource, aed_cp932(spoiled=True), "aed.csv")
    bad = ResourceFile.objects.get()
    assert (bad.status, bad.encoding, bad.error_count) == (CheckStatus.FAILED, "cp932", 2)
    expect(page.get_by_text("6行、エラー 2 件、警告 0 件（文字コード：cp932）")).to_be_visible()
    expect(page.get_by_role("heading", name="問題のある行（表で表示）")).to_be_visible()
    grid = page.locator("table.report-grid")
    expect(grid.locator("tbody tr")).to_have_count(2)
    # The bad cell carries a symbol and a numbered link, not colour alone; the link leads to
    # its message in the list.
    flagged = grid.locator("td.report-grid__cell--error")
    expect(flagged).to_have_count(2)
    expect(flagged.first).to_contain_text("⚠ 35度33分")
    link = flagged.first.get_by_role("link", name="エラー 1")
    link.focus()
    page.keyboard.press("Enter")
    assert page.url.endswith(f"#issue-{bad.pk}-error-1")
    expect(page.locator(f"#issue-{bad.pk}-error-1")).to_contain_text(
        "「緯度」の値「35度33分」は数値として読めません。"
    )
    expect(flagged.nth(1)).to_contain_text("131114")
    expect(page.get_by_text("のはずです", exact=False)).to_contain_text("131113")
    expect(page.get_by_role("button", name="このファイルを公開する")).to_have_count(0)
    assert _axe_clean(page, javascript)
    with page.expect_download() as download:
        page.get_by_role("link", name="確認結果をすべてダウンロード（CSV、2 件）").press("Enter")
    report = download.value.path().read_bytes().decode("utf-8-sig")
    assert len(report.splitlines()) == 3

    _upload(page, resource, aed_cp932(spoiled=False), "aed-fixed.csv")
    fixed = ResourceFile.objects.latest("uploaded_at", "pk")
    assert fixed.status == CheckStatus.PASSED
    page.get_by_role("button", name="このファイルを公開する").press("Enter")
    expect(page.get_by_text("ファイルを公開しました。")).to_be_visible()
    assert _axe_clean(page, javascript)
    resource.refresh_from_db()
    assert resource.published_file_id == fixed.pk

    # A file naming a person is held back until an approver records why it may be published.
    held_rows = "名称,担当者,電話番号\r\n蒲田駅前AED,大田 太郎,090-1234-5678\r\n"
    _upload(page, resource, held_rows.encode("cp932"), "aed-contacts.csv")
    held = ResourceFile.objects.latest("uploaded_at", "pk")
    assert held.status == CheckStatus.BLOCKED
    expect(page.get_by_role("heading", name="個人情報の可能性がある列")).to_be_visible()
    expect(page.get_by_role("button", name="このファイルを公開する")).to_have_count(0)
    assert _axe_clean(page, javascript)
    reason = page.get_by_label("公開してよいと判断した理由")
    clear = page.get_by_role("button", name="確認して公開を許可する")
    # An empty reason is stopped by the browser (required); a short one by the server, which
    # says why beside the field and brings the form back into view.
    clear.press("Enter")
    expect(page.locator(f"#clear-{held.pk}-reason:invalid")).to_have_count(1)
    reason.fill("同意あり")
    clear.press("Enter")
    error = page.locator(f"#clear-{held.pk}-reason_error")
    expect(error).to_have_text("エラー：公開してよいと判断した理由を10文字以上で書いてください。")
    expect(reason).to_have_attribute(
        "aria-describedby", f"clear-{held.pk}-reason_hint clear-{held.pk}-reason_error"
    )
    assert page.url.endswith(f"/clear/#clear-{held.pk}")
    assert _axe_clean(page, javascript)
    held.refresh_from_db()
    assert held.personal_data_cleared_at is None
    reason.fill("担当者本人が公開に同意しています。")
    clear.press("Enter")
    expect(page.get_by_text("個人情報の確認を記録しました。公開できます。")).to_be_visible()
    assert _axe_clean(page, javascript)
    held.refresh_from_db()
    assert held.personal_data_cleared_at is not None


@pytest.mark.parametrize("javascript", [True, False])
def test_staff_are_told_when_a_published_file_fails_a_newly_declared_standard(
    page: Page,
    page_without_js: Page,
    departments: dict[str, Any],
    make_staff: Any,
    javascript: bool,
) -> None:
    from conftest import TEST_PASSWORD

    page = page if javascript else page_without_js
    approver = make_staff("approver")
    approver.is_verified = lambda: True
    dataset = create_dataset(
        departments["koseki"],
        title="AED設置箇所一覧",
        name="aed",
        notes="区内のAED",
        license_id="cc-by-4.0",
        state="active",
    )
    resource = dataset.resources.create(name="AED一覧（CSV）")
    plain = SimpleUploadedFile("plain.csv", "施設,備考\r\n区役所,なし\r\n".encode())
    published = receive_upload(approver, resource, plain)
    published.refresh_from_db()
    publish_file(approver, published)
    editing.edit_dataset(approver, dataset, fields={"conforms_to": "aed-locations"})

    sign_in_staff(page, approver, TEST_PASSWORD)
    page.goto("/staff/data/")
    expect(page.get_by_text("要対応：公開中のファイルが確認を通りません")).to_be_visible()
    assert _axe_clean(page, javascript)
    page.get_by_role("link", name="AED設置箇所一覧").press("Enter")
    notice = page.get_by_role("region", name="公開中のファイルが確認を通らなくなりました")
    expect(notice).to_contain_text("公開は止めていません。")
    assert _axe_clean(page, javascript)
    # Its link leads to the file's report.
    notice.get_by_role("link", name="AED一覧（CSV）：plain.csv").press("Enter")
    assert page.url.endswith(f"#file-{published.pk}")
    expect(page.locator(f"#file-{published.pk}")).to_be_visible()
