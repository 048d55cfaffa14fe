"""A resident asks for data by keyboard (with and without JavaScript) and the concerned
department's clerk answers it; every page axe-clean."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def file_a_request(page: Page, *, javascript: bool) -> None:
    page.goto("/data/")
    page.get_by_role("link", name="データリクエスト — 欲しいデータを要望する").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("データリクエスト")
    assert axe_violations(page) == []
    page.get_by_role("link", name="データをリクエストする").focus()
    page.keyboard.press("Enter")
    # Sent empty first: the error summary names what is missing.
    page.get_by_role("button", name="リクエストを送る").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="入力内容を確認してください")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("欲しいデータ").fill("公園の遊具の一覧")
    page.get_by_label("データの内容").fill("区立公園ごとの遊具の種類と設置年")
    page.get_by_label("担当課").select_option(label="戸籍住民課")
    page.get_by_label("お名前またはニックネーム").fill("蒲田のパパ")
    page.get_by_label("メールアドレス").fill("papa@example.jp")
    expect(page.get_by_label("この欄には何も入力しないでください")).to_be_hidden()
    page.get_by_role("button", name="リクエストを送る").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("データリクエストを受け付けました。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("公園の遊具の一覧")
    expect(page.locator("main")).not_to_contain_text("papa@example.jp")
    assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False])
def test_a_resident_files_a_request_by_keyboard(
    page: Page, page_without_js: Page, departments: dict[str, Any], javascript: bool
) -> None:
    file_a_request(page if javascript else page_without_js, javascript=javascript)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_clerk_answers_and_the_public_reads_the_answer(
    page: Page,
    browser: Any,
    live_server: Any,
    departments: dict[str, Any],
    make_staff: Any,
    javascript: bool,
) -> None:
    """The request is filed with JavaScript; the clerk answers with or without it."""
    from conftest import TEST_PASSWORD
    from tests.browser.conftest import sign_in_staff

    file_a_request(page, javascript=True)
    public_url = page.url
    staff_context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=javascript
    )
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    try:
        sign_in_staff(staff, make_staff("clerk"), TEST_PASSWORD)
        staff.goto("/staff/")
        staff.get_by_role("link", name="データリクエストの受付箱").focus()
        staff.keyboard.press("Enter")
        expect(staff.get_by_role("heading", level=1)).to_have_text("データリクエストの受付箱")
        assert axe_violations(staff) == []
        staff.get_by_role("link", name="公園の遊具の一覧").focus()
        staff.keyboard.press("Enter")
        expect(
            staff.get_by_text("回答を保存すると、リクエストした人にメールで知らせます。")
        ).to_be_visible()
        assert axe_violations(staff) == []
        staff.get_by_label("状況").select_option(label="公開済み")
        staff.get_by_label("回答内容").fill("「公園一覧」に遊具の列を追加しました。")
        staff.get_by_role("button", name="回答を保存する").focus()
        staff.keyboard.press("Enter")
        expect(staff.get_by_text("回答を保存しました。")).to_be_visible()
        assert axe_violations(staff) == []
    finally:
        staff_context.close()
    page.goto(public_url)
    expect(page.locator("main")).to_contain_text("「公園一覧」に遊具の列を追加しました。")
    expect(page.locator("main")).to_contain_text("公開済み")
    assert axe_violations(page) == []
