"""The back office's casework in a browser: search the inbox by kana, tick applications and
start their review in bulk, take one on, keep an internal note, and export the inbox as
Shift_JIS after reading which characters it cannot hold. axe-core on every page (where
JavaScript runs); everything also works without JavaScript."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from conftest import TEST_PASSWORD
from jichitai.procedures.models import Application, InternalNote
from jichitai.procedures.tests.casework_helpers import apply_with_name, open_for_names
from tests.browser.conftest import axe_violations, sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_casework_in_the_browser(
    browser: Browser,
    live_server: Any,
    catalogue: Any,
    make_user: Any,
    make_staff: Any,
    javascript: bool,
) -> None:
    procedure = open_for_names(catalogue["jido"])
    yamada = apply_with_name(make_user("resident"), procedure, "山田", "太郎", "ヤマダ", "タロウ")
    yoshino = apply_with_name(
        make_user("resident"), procedure, "𠮷野", "花子", "ヨシノ", "ハナコ", "犬😀"
    )
    approver = make_staff("approver", department="koseki")
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)

    def accessible(where: str) -> None:
        assert axe_violations(page) == [], where

    sign_in_staff(page, approver, TEST_PASSWORD)
    page.goto("/staff/applications/")
    accessible("inbox")

    # Search by kana, half-width: ﾔﾏﾀﾞ finds 山田 太郎.
    page.get_by_label("検索").fill("ﾔﾏﾀﾞ")
    page.get_by_label("検索").press("Enter")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(yamada.receipt_number)
    accessible("inbox search")

    # Bulk: tick both by keyboard, start review.
    page.goto("/staff/applications/")
    for application in (yamada, yoshino):
        page.locator(f"#select-{application.receipt_number}").focus()
        page.keyboard.press("Space")
    page.get_by_label("選んだ申請をまとめて").select_option("under_review")
    page.get_by_role("button", name="選んだ申請に実行する").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("2件を処理しました。")
    assert set(Application.objects.values_list("status", flat=True)) == {"under_review"}
    accessible("inbox after bulk")

    # Take one on and keep a note.
    page.get_by_role("link", name=yamada.receipt_number).click()
    accessible("application")
    page.get_by_role("button", name="自分が担当する").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("担当者を更新しました。")
    # Spaces pass the browser's required check; the server says why beside the field.
    page.get_by_label("メモを追加").fill("   ")
    page.get_by_role("button", name="メモを保存する").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#note-body_error")).to_have_text("エラー：メモを入力してください。")
    expect(page.get_by_label("メモを追加")).to_have_attribute("aria-describedby", "note-body_error")
    assert page.url.endswith("/notes/#notes")
    accessible("refused note")
    # So does a request for corrections without saying what to correct.
    page.get_by_role("button", name="補正依頼").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#move-message_error")).to_contain_text("申請者へのお知らせ")
    assert page.url.endswith("/move/#decision")
    accessible("refused decision")
    page.get_by_label("メモを追加").fill("電話で在宅を確認")
    page.get_by_role("button", name="メモを保存する").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#notes ~ ol")).to_contain_text("電話で在宅を確認")
    accessible("application with a note")
    yamada.refresh_from_db()
    assert yamada.assignee_id == approver.pk and InternalNote.objects.count() == 1

    # Export: the page says which characters Shift_JIS cannot hold, then downloads.
    page.goto("/staff/applications/")
    page.get_by_role("link", name="この条件の申請をCSVでダウンロード").click()
    expect(page.locator("main")).to_contain_text("U+20BB7")
    expect(page.locator("main")).to_contain_text(yoshino.receipt_number)
    accessible("export")
    page.get_by_label("Shift_JIS（CP932、古い表計算ソフトや業務システム向け）").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="ダウンロードする").click()
    path = download_info.value.path()
    table = list(csv.reader(io.StringIO(path.read_bytes().decode("cp932"), newline="")))
    names = {row[6] for row in table[1:]}
    assert names == {"山田 太郎", "〓野 花子"}
    context.close()
