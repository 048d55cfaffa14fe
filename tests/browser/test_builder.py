"""The form builder by keyboard: a department administrator builds a new procedure whose form has
a condition, an exit page and a repeating group, sets one application per applicant, imports
JSON, publishes it and sets its dates and capacity; a resident meets the exit page, applies and
gets a receipt; the administrator stops online applications. All of it with and without
JavaScript, axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from conftest import TEST_PASSWORD
from jichitai.procedures.models import Application, Procedure
from tests.browser.conftest import axe_violations, sign_in_staff, submit_sign_in

pytestmark = pytest.mark.django_db(transaction=True)
ONE_PER_APPLICANT = "申請者ごとに1件（本人確認が必要な手続きでは、確認された本人ごとに1件）"


class Keyboard:
    """Operates a page by keyboard only: focus moves to a control, then keys are pressed."""

    def __init__(self, page: Page, *, javascript: bool = True) -> None:
        self.page, self.javascript = page, javascript

    def type(self, control: Locator, text: str) -> None:
        self._focus(control)
        self.page.keyboard.type(text)

    def choose(self, control: Locator) -> None:
        self._focus(control)
        self.page.keyboard.press("Space")

    def press(self, button: Locator) -> None:
        self._focus(button)
        self.page.keyboard.press("Enter")

    def _focus(self, control: Locator) -> None:
        # The page the last key led to must have arrived: keys typed into a page still loading
        # went elsewhere under load (a refused form instead of the next page, in CI).
        self.page.wait_for_load_state()
        control.focus()

    def select(self, control: Locator, text: str) -> None:
        """Pick an option of a closed <select> with the arrow keys."""
        self._focus(control)
        self.page.keyboard.press("Home")
        for _step in range(40):
            if control.evaluate("s => s.options[s.selectedIndex].text") == text:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {text!r}")

    def accessible(self, label: str) -> None:
        assert axe_violations(self.page) == [], label


def _add_question(keys: Keyboard, kind: str, question_id: str, label: str, **extra: str) -> None:
    page = keys.page
    keys.select(page.locator("#id_type"), kind)
    keys.type(page.locator("#id_question_id"), question_id)
    keys.type(page.locator("#id_label_ja"), label)
    for name, value in extra.items():
        keys.type(page.locator(f"#id_{name}"), value)
    keys.press(page.get_by_role("button", name="質問を追加する"))


def _add_page(keys: Keyboard, page_id: str, title: str, exit_message: str = "") -> None:
    page = keys.page
    keys.type(page.locator("#new-page-page_id"), page_id)
    keys.type(page.locator("#new-page-title_ja"), title)
    if exit_message:
        keys.type(page.locator("#new-page-exit_ja"), exit_message)
    keys.press(page.get_by_role("button", name="ページを追加する"))


def _add_condition(keys: Keyboard, option: str) -> None:
    keys.select(keys.page.locator("#id_answer"), option)
    keys.press(keys.page.get_by_role("button", name="条件を追加する"))
    expect(keys.page.get_by_text("表示条件を追加しました。")).to_be_visible()


def build_procedure(page: Page, admin: Any, *, javascript: bool) -> None:
    keys = Keyboard(page, javascript=javascript)
    sign_in_staff(page, admin, TEST_PASSWORD)
    page.goto("/staff/")
    keys.press(page.get_by_role("link", name="手続きと様式の作成"))
    expect(page.get_by_role("heading", level=1)).to_have_text("手続きと様式の作成")
    keys.accessible("builder list")
    keys.press(page.get_by_role("link", name="新しい手続きを作成する"))

    keys.type(page.locator("#id_slug"), "kodomo-kenshin")
    keys.type(page.locator("#id_title_ja"), "子どもの健診の申込み")
    keys.type(page.locator("#id_title_en"), "Child health check")
    keys.type(page.locator("#id_summary_ja"), "同居している子どもの健診を申し込みます。")
    keys.choose(page.get_by_label("オンライン申請"))
    keys.accessible("new procedure")
    keys.press(page.get_by_role("button", name="作成する"))

    expect(page.get_by_role("heading", level=1)).to_have_text("子どもの健診の申込み")
    keys.accessible("form overview (empty)")
    keys.press(page.get_by_role("link", name="ページ1", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("ページ：ページ1")
    keys.accessible("page")
    keys.press(page.get_by_role("link", name="質問を追加する"))

    # A wrong setting is explained next to its field, in Japanese, and nothing is saved.
    _add_question(keys, "日付", "born", "生年月日", min_date="2026-02-30")
    expect(page.locator("#id_min_date_error")).to_contain_text("存在しない日付です")
    keys.accessible("question with errors")
    page.goto(page.url)  # start the form again
    _add_question(keys, "はい・いいえ", "has_children", "同居している子どもはいますか")
    expect(page.get_by_text("質問を追加しました。")).to_be_visible()

    keys.press(page.get_by_role("link", name="様式", exact=True))
    _add_page(
        keys, "no_children", "申込みできません", "同居している子どもがいない方は申し込めません。"
    )
    _add_condition(keys, "同居している子どもはいますか：いいえ")

    keys.press(page.get_by_role("link", name="様式", exact=True))
    _add_page(keys, "children", "子ども")
    _add_condition(keys, "同居している子どもはいますか：はい")
    keys.press(page.get_by_role("link", name="質問を追加する"))
    _add_question(keys, "繰り返しグループ（世帯員など）", "children", "子ども", max_items="3")
    expect(page.get_by_role("heading", name="グループの中の質問")).to_be_visible()
    keys.accessible("group")
    keys.press(page.get_by_role("link", name="グループに質問を追加する"))
    _add_question(keys, "短い文章", "child_name", "子どもの氏名")
    expect(page.get_by_role("link", name="子どもの氏名")).to_be_visible()
    keys.press(page.get_by_role("link", name="グループに質問を追加する"))
    _add_question(keys, "数値", "child_age", "子どもの年齢", max_value="18")
    expect(page.get_by_text("質問を追加しました。")).to_be_visible()
    page.wait_for_load_state()
    # With htmx the move replaces the page's main region in place: the window survives.
    page.evaluate("window.notReloaded = true")
    keys.press(page.get_by_role("button", name=re.compile(r"^上へ\s*：子どもの年齢$")))
    expect(page.get_by_text("質問を移動しました。")).to_be_visible()
    assert page.evaluate("window.notReloaded === true") is javascript
    expect(page.locator(".builder-item h3 a")).to_have_text(["子どもの年齢", "子どもの氏名"])
    keys.accessible("group after move")

    # Deleting asks first, on a page of its own. ページ1's question is used by both other
    # pages' conditions, so it cannot go yet, and the page says so; a page added by mistake can.
    keys.press(page.get_by_role("link", name="様式", exact=True))
    keys.press(page.get_by_role("link", name=re.compile(r"^削除\s*：ページ1$")))
    expect(page.get_by_role("heading", level=1)).to_have_text("ページ「ページ1」を削除しますか")
    expect(page.locator("main")).to_contain_text("ページ「申込みできません」の表示条件")
    expect(page.get_by_role("button", name="削除する")).to_have_count(0)
    keys.accessible("page deletion refused")
    keys.press(page.get_by_role("link", name="削除せずに戻る"))
    expect(page.locator("#new-page-page_id")).to_be_visible()
    _add_page(keys, "extra", "予備")
    expect(page.get_by_role("heading", level=1)).to_have_text("ページ：予備")
    # Removing a display condition asks first too, and says the page will then always show.
    _add_condition(keys, "同居している子どもはいますか：はい")
    keys.press(page.get_by_role("link", name=re.compile(r"^条件を削除\s*：「同居している")))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "ページ「予備」の表示条件を削除しますか"
    )
    expect(page.locator("main")).to_contain_text("いつも表示されます。")
    keys.accessible("confirm condition removal")
    keys.press(page.get_by_role("button", name="削除する"))
    expect(page.get_by_text("表示条件を削除しました。")).to_be_visible()
    expect(page.get_by_text("条件はありません。このページは常に表示されます。")).to_be_visible()
    keys.press(page.get_by_role("link", name="様式", exact=True))
    keys.press(page.get_by_role("link", name=re.compile(r"^削除\s*：予備$")))
    expect(page.get_by_role("heading", level=1)).to_have_text("ページ「予備」を削除しますか")
    expect(page.locator("main")).to_contain_text("このページには質問がありません。")
    keys.accessible("confirm page deletion")
    keys.press(page.get_by_role("button", name="削除する"))
    expect(page.get_by_text("ページを削除しました。")).to_be_visible()
    expect(page.get_by_role("link", name="予備", exact=True)).to_have_count(0)

    keys.press(page.get_by_role("link", name="申請者の画面でプレビュー"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ページ1")
    keys.accessible("preview")
    keys.choose(page.get_by_label("はい"))
    keys.press(page.get_by_role("button", name="次へ進む"))
    expect(page.get_by_role("heading", level=1)).to_have_text("子ども")

    keys.press(page.get_by_role("link", name="子どもの健診の申込み"))
    keys.select(page.get_by_label("申請の重複を防ぐ（1件だけ受け付ける単位）"), ONE_PER_APPLICANT)
    keys.press(page.get_by_role("button", name="設定を保存する"))
    expect(page.get_by_text("様式の設定を保存しました。")).to_be_visible()
    keys.accessible("form settings saved")
    keys.press(page.get_by_role("button", name="この下書きを公開する"))
    expect(page.get_by_text("様式を第1版として公開しました。")).to_be_visible()
    keys.accessible("published")
    keys.press(page.get_by_role("link", name="手続きの情報"))
    expect(page.get_by_role("heading", level=1)).to_have_text("手続きの情報")
    keys.accessible("procedure details")
    page.get_by_label("受付開始").fill("2020-04-01T09:00")
    page.get_by_label("受付終了").fill("2099-03-31T17:00")
    keys.type(page.get_by_label("定員"), "100")
    keys.press(page.get_by_role("button", name="保存する"))
    expect(page.get_by_text("手続きの情報を保存しました。")).to_be_visible()
    keys.accessible("procedure details saved")
    keys.press(page.get_by_role("link", name="手続きの情報"))
    keys.press(page.get_by_role("link", name="JSONを読み込む"))
    expect(page.get_by_role("heading", level=1)).to_have_text("JSONを読み込む")
    # Nothing chosen and nothing pasted: said beside the file field, and nothing changes.
    keys.press(page.get_by_role("button", name="読み込む"))
    expect(page.locator("#id_upload_error")).to_contain_text(
        "JSONファイルを選ぶか、JSONを貼り付けてください。"
    )
    expect(page.get_by_label("JSONファイル")).to_have_attribute(
        "aria-describedby", "id_upload_error"
    )
    keys.accessible("empty import")
    keys.type(page.get_by_label("またはJSONを貼り付け"), '{"title": {"ja": 1}, "pages": "x"}')
    keys.press(page.get_by_role("button", name="読み込む"))
    expect(page.locator(".error-summary")).to_contain_text("文字列で指定してください。")
    keys.accessible("import with errors")
    # A good file replaces the draft: the form as exported a moment ago.
    with page.expect_download() as exported:
        keys.press(page.get_by_role("link", name="JSONを書き出す"))
    page.get_by_label("JSONファイル").set_input_files(exported.value.path())
    keys.press(page.get_by_role("button", name="読み込む"))
    expect(page.get_by_text("JSONを読み込みました。")).to_be_visible()
    keys.accessible("imported")


def stop_taking_applications(page: Page, *, javascript: bool) -> None:
    keys = Keyboard(page, javascript=javascript)
    page.goto("/staff/builder/kodomo-kenshin/")
    # Stopping asks first, on a page saying what it does; going back changes nothing.
    keys.press(page.get_by_role("link", name="オンライン申請の受付を停止する"))
    expect(page.get_by_role("heading", level=1)).to_have_text("オンライン申請の受付を停止しますか")
    expect(page.locator("main")).to_contain_text("受付済みの申請（現在 1 件）には影響しません。")
    keys.accessible("confirm unpublishing")
    keys.press(page.get_by_role("link", name="停止せずに様式に戻る"))
    expect(page.get_by_text("第1版")).to_be_visible()
    keys.press(page.get_by_role("link", name="オンライン申請の受付を停止する"))
    keys.press(page.get_by_role("button", name="受付を停止する"))
    expect(page.get_by_text("オンライン申請の受付を停止しました。")).to_be_visible()
    expect(page.get_by_text("未公開（オンライン申請を受け付けていません）")).to_be_visible()
    keys.accessible("unpublished")


def apply_as_resident(page: Page, resident: Any, *, javascript: bool) -> str:
    keys = Keyboard(page, javascript=javascript)
    submit_sign_in(page, resident.email, TEST_PASSWORD)
    page.goto("/procedures/kodomo-kenshin/")
    keys.press(page.get_by_role("button", name="オンラインで申請する"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ページ1")
    keys.accessible("first page")
    # いいえ leads to the exit page; back from it, はい goes on.
    keys.choose(page.get_by_label("いいえ"))
    keys.press(page.get_by_role("button", name="次へ進む"))
    expect(page.get_by_role("heading", level=1)).to_have_text("申込みできません")
    expect(page.locator("main")).to_contain_text("同居している子どもがいない方は申し込めません。")
    keys.accessible("exit page")
    keys.press(page.get_by_role("link", name="戻る"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ページ1")
    keys.choose(page.get_by_label("はい"))
    keys.press(page.get_by_role("button", name="次へ進む"))
    expect(page.get_by_role("heading", level=1)).to_have_text("子ども")
    keys.type(page.locator("#f-children-0-child-name"), "大田一郎")
    keys.type(page.locator("#f-children-0-child-age"), "7")
    keys.press(page.get_by_role("button", name="もう1件追加する"))
    keys.type(page.locator("#f-children-1-child-name"), "大田二郎")
    keys.type(page.locator("#f-children-1-child-age"), "4")
    keys.press(page.get_by_role("button", name="次へ進む"))
    keys.press(page.get_by_role("button", name="この内容で申請する"))
    expect(page.locator(".receipt__number")).to_be_visible()
    keys.accessible("receipt")
    return page.locator(".receipt__number").inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_an_admin_builds_and_publishes_a_form_and_a_resident_applies(
    browser: Browser, live_server: Any, departments, make_staff, make_user, javascript: bool
) -> None:
    admin = make_staff("department_admin", department="koseki")
    staff_context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=javascript
    )
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(15_000)
    build_procedure(staff_page, admin, javascript=javascript)

    procedure = Procedure.objects.get(slug="kodomo-kenshin")
    live = procedure.live_form
    assert procedure.is_published and live is not None and live.number == 1
    assert procedure.capacity == 100
    assert procedure.closes_at is not None and procedure.closes_at.year == 2099
    assert live.form().dedupe is not None

    resident = make_user("resident")
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    receipt = apply_as_resident(page, resident, javascript=javascript)
    context.close()
    application = Application.objects.get(receipt_number=receipt)
    assert application.form_version == procedure.live_form
    assert application.answers["has_children"] == "yes"
    assert [child["child_name"] for child in application.answers["children"]] == [
        "大田一郎",
        "大田二郎",
    ]

    stop_taking_applications(staff_page, javascript=javascript)
    staff_context.close()
    procedure.refresh_from_db()
    assert procedure.live_form is None
