"""The city-wide cash benefit end to end, by keyboard on a phone: a resident applies for a
household of three with documents, a clerk asks for a correction, the resident answers, an
approver approves, the resident sees the decision and downloads the receipt PDF, and applying
again for the household is refused. axe-core on every page; all of it with and without
JavaScript."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FilePayload, Locator, Page, expect
from pypdf import PdfReader

from conftest import TEST_PASSWORD
from jichitai.procedures.demo_forms_benefits import CASH_BENEFIT
from jichitai.procedures.models import Application
from jichitai.procedures.services import intake
from tests.browser.conftest import axe_violations, sign_in_staff, submit_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def scan(name: str) -> FilePayload:
    """A scanned document to upload, as a PDF named `name`."""
    return FilePayload(name=name, mimeType="application/pdf", buffer=b"%PDF-1.4 sample scan")


@pytest.fixture
def benefit(catalogue):
    procedure = catalogue["jido"]  # owned by 戸籍住民課 (koseki) in the test catalogue
    procedure.identity_level = "account"
    procedure.save()
    intake.publish_form(procedure, CASH_BENEFIT)
    return procedure


def _phone(browser: Browser, live_server: Any, *, javascript: bool = True) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


class Keyboard:
    """Operates a page by keyboard only: focus moves to a control, then keys are pressed."""

    def __init__(self, page: Page, *, javascript: bool) -> None:
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

    def next(self) -> None:
        self.press(self.page.get_by_role("button", name="次へ進む"))

    def accessible(self, label: str) -> None:
        assert axe_violations(self.page) == [], label


def _member(
    keys: Keyboard,
    row: int,
    family: str,
    given: str,
    kana: tuple[str, str],
    relation_option: int,
    birth: tuple[str, str, str],
) -> None:
    page, prefix = keys.page, f"#f-members-{row}-"
    keys.type(page.locator(prefix + "name-family"), family)
    keys.type(page.locator(prefix + "name-given"), given)
    keys.type(page.locator(prefix + "name-family-kana"), kana[0])
    keys.type(page.locator(prefix + "name-given-kana"), kana[1])
    suffix = "" if relation_option == 1 else f"-{relation_option}"
    keys.choose(page.locator(prefix + "relation" + suffix))
    for part, value in zip(("year", "month", "day"), birth, strict=True):
        keys.type(page.locator(prefix + f"birth-date-{part}"), value)
    keys.choose(page.locator(prefix + "wants-benefit"))


def apply_for_the_household(page: Page, resident: Any, benefit: Any, *, javascript: bool) -> str:
    keys = Keyboard(page, javascript=javascript)
    submit_sign_in(page, resident.email, TEST_PASSWORD)
    page.goto(f"/procedures/{benefit.slug}/")
    keys.accessible("procedure")
    keys.press(page.get_by_role("button", name="オンラインで申請する"))

    expect(page.get_by_role("heading", level=1)).to_have_text("申請書の番号")
    keys.type(page.get_by_label("世帯番号"), "１２３４－５６７８－９０")
    keys.choose(page.get_by_label("はい"))
    keys.accessible("letter")
    keys.next()

    expect(page.get_by_role("heading", level=1)).to_have_text("世帯主")
    keys.type(page.get_by_label("姓", exact=True), "大田")
    keys.type(page.get_by_label("名", exact=True), "花子")
    keys.type(page.get_by_label("セイ（フリガナ）"), "おおた")
    keys.type(page.get_by_label("メイ（フリガナ）"), "はなこ")
    keys.type(page.get_by_label("年"), "1980")
    keys.type(page.get_by_label("月", exact=True), "5")
    keys.type(page.get_by_label("日", exact=True), "5")
    keys.type(page.get_by_label("郵便番号"), "144-8621")
    keys.type(page.get_by_label("住所", exact=True), "東京都大田区蒲田五丁目13番14号")
    keys.type(page.get_by_label("日中の連絡先電話番号"), "03-5744-1111")
    keys.accessible("head")
    keys.next()

    expect(page.get_by_role("heading", level=1)).to_have_text("世帯員")
    _member(keys, 0, "大田", "一郎", ("オオタ", "イチロウ"), 1, ("1978", "11", "3"))
    keys.press(page.get_by_role("button", name="もう1件追加する"))
    expect(page.locator("#f-members-1-name-family")).to_be_visible()
    _member(keys, 1, "大田", "空", ("おおた", "そら"), 2, ("2015", "4", "10"))
    keys.accessible("household")
    keys.next()

    expect(page.get_by_role("heading", level=1)).to_have_text("振込先")
    keys.type(page.get_by_label("金融機関コード（4桁）"), "0001")
    keys.type(page.get_by_label("支店コード（店番・3桁）"), "001")
    keys.choose(page.get_by_label("普通"))
    keys.type(page.get_by_label("口座番号（7桁以内）"), "1234567")
    keys.type(page.get_by_label("口座名義（カタカナ）"), "ｵｵﾀ ﾊﾅｺ")
    keys.accessible("payment")
    keys.next()

    expect(page.get_by_role("heading", level=1)).to_have_text("確認書類")
    page.get_by_label("本人確認書類の写し").set_input_files(files=[scan("免許証.pdf")])
    page.get_by_label("振込先口座の確認書類の写し").set_input_files(files=[scan("通帳.pdf")])
    keys.accessible("documents")
    keys.next()

    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    main = page.locator("main")
    expect(main).to_contain_text("大田 一郎（オオタ イチロウ）")
    expect(main).to_contain_text("大田 空（オオタ ソラ）")
    expect(main).to_contain_text("オオタ ハナコ")
    expect(main).to_contain_text("通帳.pdf")
    keys.accessible("check")
    keys.choose(page.get_by_label(re.compile("記載内容に誤りはありません")))
    keys.press(page.get_by_role("button", name="この内容で申請する"))
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    keys.accessible("receipt")
    return page.locator(".receipt__number").inner_text()


def _staff_moves(
    browser: Browser,
    live_server: Any,
    member: Any,
    receipt: str,
    steps: list[tuple[str, str]],
    pages: tuple[str, ...] = (),
    *,
    javascript: bool,
) -> None:
    """Press each step's button on the application page, with its message; `pages` are the
    form pages ticked for a correction request."""
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    keys = Keyboard(page, javascript=javascript)
    sign_in_staff(page, member, TEST_PASSWORD)
    for button, message in steps:
        page.goto(f"/staff/applications/{receipt}/")
        keys.accessible(f"staff {button}")
        if message:
            keys.type(page.get_by_label("申請者へのお知らせ"), message)
        if button == "補正依頼":
            for title in pages:
                keys.choose(page.get_by_label(title, exact=True))
        keys.press(page.get_by_role("button", name=button, exact=True))
        # The button's own name is on the page before the move; the status message is not.
        expect(page.get_by_role("status")).to_contain_text("申請の状態を更新しました")
        expect(page.locator("main")).to_contain_text(button)
        keys.accessible(f"staff after {button}")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_cash_benefit_from_application_to_decision(
    browser: Browser,
    live_server: Any,
    make_user: Any,
    make_staff: Any,
    benefit: Any,
    javascript: bool,
) -> None:
    resident = make_user("resident")
    page = _phone(browser, live_server, javascript=javascript)
    keys = Keyboard(page, javascript=javascript)
    receipt = apply_for_the_household(page, resident, benefit, javascript=javascript)
    application = Application.objects.get(receipt_number=receipt)
    assert len(application.answers["members"]) == 2
    assert application.dedupe_key  # the household is held: a second application is refused
    assert application.attachments.count() == 2

    clerk = make_staff("clerk", department="koseki")
    _staff_moves(
        browser,
        live_server,
        clerk,
        receipt,
        [
            ("審査中", ""),
            ("補正依頼", "口座番号が通帳の写しと違います。振込先を直してください。"),
        ],
        pages=("振込先",),
        javascript=javascript,
    )

    # The resident changes the bank account (only the page the clerk named) and sends it.
    page.goto(f"/applications/{receipt}/")
    expect(page.locator("main")).to_contain_text("口座番号が通帳の写しと違います")
    keys.accessible("correction requested")
    keys.press(page.get_by_role("link", name="補正に回答する"))
    expect(page.get_by_role("heading", level=1)).to_have_text("補正への回答")
    keys.accessible("correction check")
    keys.press(page.get_by_role("link", name=re.compile("変更する")))
    expect(page.get_by_role("heading", level=1)).to_have_text("振込先")
    account = page.get_by_label("口座番号（7桁以内）")
    expect(account).to_have_value("1234567")
    account.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("7654321")
    keys.accessible("correction page")
    keys.press(page.get_by_role("button", name="変更を保存する"))
    expect(page.get_by_role("heading", level=1)).to_have_text("補正への回答")
    expect(page.locator("main")).to_contain_text("7654321")
    keys.type(page.get_by_label("直した内容・伝えたいこと（任意）"), "口座番号を直しました。")
    keys.press(page.get_by_role("button", name="補正を送る"))
    expect(page.get_by_role("status")).to_contain_text("補正の内容を送りました")
    application.refresh_from_db()
    assert application.answers["bank_account"]["account_number"] == "7654321"
    correction = application.events.last()
    assert correction is not None
    assert correction.changes["bank_account"]["old"]["account_number"] == "1234567"

    approver = make_staff("approver", department="koseki")
    _staff_moves(browser, live_server, approver, receipt, [("承認", "")], javascript=javascript)

    page.goto(f"/applications/{receipt}/")
    expect(page.locator(".tag").first).to_have_text("承認")
    keys.accessible("decided")

    # The receipt (受付票) as a PDF, downloaded by keyboard from the same page.
    with page.expect_download() as started:
        keys.press(page.get_by_role("link", name="受付票（PDF）をダウンロード"))
    download = started.value
    assert download.suggested_filename == f"receipt-{receipt}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert receipt in text and "承認" in text and benefit.title_ja in text.replace("\n", "")

    # The household has its benefit: applying again for it is refused where the number is
    # typed, naming the first receipt so the resident can tell it was theirs.
    page.goto(f"/procedures/{benefit.slug}/")
    keys.press(page.get_by_role("button", name="オンラインで申請する"))
    expect(page.get_by_role("heading", level=1)).to_have_text("申請書の番号")
    keys.type(page.get_by_label("世帯番号"), "1234-5678-90")
    keys.choose(page.get_by_label("はい"))
    keys.next()
    expect(page.locator("main")).to_contain_text(
        f"既に申請を受け付けています（受付番号：{receipt}）"
    )
    keys.accessible("duplicate refused")
    page.context.close()
