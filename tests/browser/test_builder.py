"""The form builder by keyboard: a department administrator builds a new procedure whose form has
a condition, an exit page and a repeating group, publishes it, and a resident applies to it and
gets a receipt. axe-core on every builder page; the builder also works without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from conftest import TEST_PASSWORD
from jichitai.procedures.models import Application, Procedure
from tests.browser.conftest import axe_violations, sign_in_staff, submit_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


class Keyboard:
    """Operates a page by keyboard only: focus moves to a control, then keys are pressed."""

    def __init__(self, page: Page, *, javascript: bool = True) -> None:
        self.page, self.javascript = page, javascript

    def type(self, control: Locator, text: str) -> None:
        control.focus()
        self.page.keyboard.type(text)

    def choose(self, control: Locator) -> None:
        control.focus()
        self.page.keyboard.press("Space")

    def press(self, button: Locator) -> None:
        button.focus()
        self.page.keyboard.press("Enter")

    def select(self, control: Locator, text: str) -> None:
        """Pick an option of a closed <select> with the arrow keys."""
        control.focus()
        self.page.keyboard.press("Home")
        for _step in range(40):
            if control.evaluate("s => s.options[s.selectedIndex].text") == text:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {text!r}")

    def accessible(self, label: str) -> None:
        if self.javascript:
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


def build_procedure(page: Page, admin: Any) -> None:
    keys = Keyboard(page)
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
    assert page.evaluate("window.notReloaded === true")
    expect(page.locator(".builder-item h3 a")).to_have_text(["子どもの年齢", "子どもの氏名"])
    keys.accessible("group after move")

    keys.press(page.get_by_role("link", name="申請者の画面でプレビュー"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ページ1")
    keys.accessible("preview")
    keys.choose(page.get_by_label("はい"))
    keys.press(page.get_by_role("button", name="次へ進む"))
    expect(page.get_by_role("heading", level=1)).to_have_text("子ども")

    keys.press(page.get_by_role("link", name="子どもの健診の申込み"))
    keys.press(page.get_by_role("button", name="この下書きを公開する"))
    expect(page.get_by_text("様式を第1版として公開しました。")).to_be_visible()
    keys.accessible("published")
    keys.press(page.get_by_role("link", name="手続きの情報"))
    expect(page.get_by_role("heading", level=1)).to_have_text("手続きの情報")
    keys.accessible("procedure details")
    keys.press(page.get_by_role("link", name="JSONを読み込む"))
    expect(page.get_by_role("heading", level=1)).to_have_text("JSONを読み込む")
    keys.type(page.get_by_label("またはJSONを貼り付け"), '{"title": {"ja": 1}, "pages": "x"}')
    keys.press(page.get_by_role("button", name="読み込む"))
    expect(page.locator(".error-summary")).to_contain_text("文字列で指定してください。")
    keys.accessible("import with errors")


def apply_as_resident(page: Page, resident: Any) -> str:
    keys = Keyboard(page)
    submit_sign_in(page, resident.email, TEST_PASSWORD)
    page.goto("/procedures/kodomo-kenshin/")
    keys.press(page.get_by_role("button", name="オンラインで申請する"))
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


def test_an_admin_builds_and_publishes_a_form_and_a_resident_applies(
    browser: Browser, live_server: Any, departments, make_staff, make_user
) -> None:
    admin = make_staff("department_admin", department="koseki")
    staff_context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(15_000)
    build_procedure(staff_page, admin)
    staff_context.close()

    procedure = Procedure.objects.get(slug="kodomo-kenshin")
    assert procedure.is_published and procedure.live_form.number == 1

    resident = make_user("resident")
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    receipt = apply_as_resident(page, resident)
    context.close()
    application = Application.objects.get(receipt_number=receipt)
    assert application.form_version == procedure.live_form
    assert application.answers["has_children"] == "yes"
    assert [child["child_name"] for child in application.answers["children"]] == [
        "大田一郎",
        "大田二郎",
    ]


def test_the_builder_works_without_javascript(
    page_without_js: Page, departments, make_staff
) -> None:
    from jichitai.procedures.services import builder

    admin = make_staff("department_admin", department="koseki")
    builder.create_procedure(
        actor=admin,
        slug="no-js",
        department=departments["koseki"],
        title_ja="JavaScriptなし",
        summary_ja="確認用",
        channel="online",
    )
    page = page_without_js
    keys = Keyboard(page, javascript=False)
    sign_in_staff(page, admin, TEST_PASSWORD)
    page.goto("/staff/builder/no-js/")
    _add_page(keys, "second", "二つ目")
    keys.press(page.get_by_role("link", name="様式", exact=True))
    expect(page.get_by_role("heading", name="ページと質問")).to_be_visible()
    keys.press(page.get_by_role("button", name=re.compile(r"^上へ\s*：二つ目$")))
    expect(page.get_by_text("ページを移動しました。")).to_be_visible()
    titles = page.locator(".builder-item h3 a").all_inner_texts()
    assert titles == ["二つ目", "ページ1"]
