"""A resident applies online, on a phone, with and without JavaScript (stopping half-way and
coming back through the e-mailed link, and having a disguised file refused); every page passes
axe in both."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from playwright.sync_api import Browser, FilePayload, Page, expect

from conftest import TEST_PASSWORD
from jichitai.procedures.demo_forms import FORMS
from jichitai.procedures.models import Application
from jichitai.procedures.services import intake
from tests.browser.conftest import axe_violations, sign_in_staff, submit_sign_in

pytestmark = pytest.mark.django_db(transaction=True)
DISGUISED = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


@pytest.fixture
def dog(catalogue):
    procedure = catalogue["jido"]
    procedure.identity_level = "account"
    procedure.save()
    intake.publish_form(procedure, FORMS["inu-toroku"])
    return procedure


def _journey(page: Page, resident, dog, mailoutbox) -> str:
    submit_sign_in(page, resident.email, TEST_PASSWORD)
    page.goto(f"/procedures/{dog.slug}/")
    _checked(page, "detail")
    page.get_by_role("button", name="オンラインで申請する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申請者")
    page.get_by_role("button", name="次へ進む").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_be_visible()
    _checked(page, "applicant with errors")
    page.get_by_label("姓", exact=True).fill("大田")
    page.get_by_label("名", exact=True).fill("花子")
    page.get_by_label("セイ（フリガナ）").fill("おおた")
    page.get_by_label("メイ（フリガナ）").fill("はなこ")
    page.get_by_label("郵便番号").fill("１４４－８６２１")
    page.get_by_label("住所", exact=True).fill("東京都大田区蒲田五丁目13番14号")
    page.get_by_label("日中の連絡先電話番号").fill("03-5744-1111")
    page.get_by_role("button", name="次へ進む").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("犬について")
    _checked(page, "dog")
    _save_and_resume(page, mailoutbox)
    expect(page.get_by_role("heading", level=1)).to_have_text("犬について")
    page.get_by_label("犬の名前").fill("ポチ")
    page.get_by_label("犬種").fill("柴犬")
    page.get_by_label("年").fill("2024")
    page.get_by_label("月", exact=True).fill("4")
    page.get_by_label("日", exact=True).fill("1")
    page.get_by_label("オス").check()
    page.get_by_role("group", name=re.compile("狂犬病予防注射")).get_by_label("はい").check()
    page.get_by_role("button", name="次へ進む").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("注射済証")
    # A web page named like a PDF is refused by its content, not its name.
    page.get_by_label(re.compile("注射済証の写真")).set_input_files(
        files=[FilePayload(name="certificate.pdf", mimeType="application/pdf", buffer=DISGUISED)]
    )
    page.get_by_role("button", name="次へ進む").click()
    expect(page.get_by_role("alert")).to_contain_text("PDF、JPEG、PNGのファイルを選んでください。")
    _checked(page, "upload refused")
    page.get_by_label(re.compile("注射済証の写真")).set_input_files(
        files=[
            FilePayload(
                name="certificate.pdf", mimeType="application/pdf", buffer=b"%PDF-1.4 sample"
            )
        ]
    )
    _checked(page, "upload")
    page.get_by_role("button", name="次へ進む").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    expect(page.locator("main")).to_contain_text("大田 花子（オオタ ハナコ）")
    expect(page.locator("main")).to_contain_text("certificate.pdf")
    _checked(page, "check")
    page.get_by_label(re.compile("申請内容に誤りはありません")).check()
    page.get_by_role("button", name="この内容で申請する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    _checked(page, "receipt")
    receipt = page.locator(".receipt__number").inner_text()
    page.goto("/applications/")
    expect(page.locator("main")).to_contain_text(receipt)
    _checked(page, "my applications")
    return receipt


def _save_and_resume(page: Page, mailoutbox) -> None:
    """Stop, get the link by e-mail, and come back through it signed out (as on another
    device): the link's page asks for a button press, then the journey goes on."""
    page.get_by_role("button", name="ここで中断して、続きのリンクをメールで受け取る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("続きのリンクを送りました")
    _checked(page, "saved for later")
    link = re.search(r"https?://[^/\s]+(/procedures/resume/\S+/)", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    page.context.clear_cookies()
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("申請の続き")
    _checked(page, "resume link")
    page.get_by_role("button", name="続きから入力する").click()


def _checked(page: Page, label: str) -> None:
    assert axe_violations(page) == [], label


def test_apply_on_a_phone_with_javascript(
    browser: Browser, live_server, make_user, dog, mailoutbox
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    receipt = _journey(page, make_user("resident"), dog, mailoutbox)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", receipt)
    context.close()


def test_apply_without_javascript(page_without_js: Page, make_user, dog, mailoutbox) -> None:
    _journey(page_without_js, make_user("resident"), dog, mailoutbox)


def _submitted_application(resident, dog) -> Application:
    """An application made through the services (the journey itself is tested above)."""
    draft = intake.draft_for(resident, dog)
    for page_id, fields in [
        (
            "applicant",
            {
                "name.family": "大田",
                "name.given": "花子",
                "name.family_kana": "オオタ",
                "name.given_kana": "ハナコ",
                "address.postal_code": "1448621",
                "address.address": "東京都大田区蒲田五丁目13番14号",
                "phone": "0357441111",
            },
        ),
        (
            "dog",
            {
                "dog_name": "ポチ",
                "breed": "柴犬",
                "birth_date.year": "2024",
                "birth_date.month": "4",
                "birth_date.day": "1",
                "sex": "male",
                "vaccinated": "no",
            },
        ),
    ]:
        data = QueryDict(mutable=True)
        data.update(fields)
        assert intake.save_page(draft, page_id, data, {}).valid
    return intake.submit(resident, dog, draft.submission_token)


def test_the_department_inbox_is_accessible(page: Page, make_user, make_staff, dog) -> None:
    resident = make_user("resident")
    application = _submitted_application(resident, dog)
    sign_in_staff(page, make_staff("clerk", department="koseki"), TEST_PASSWORD)
    page.goto("/staff/")
    page.get_by_role("link", name="申請の受付箱").click()
    expect(page.locator("tbody")).to_contain_text(application.receipt_number)
    assert axe_violations(page) == []
    page.get_by_role("link", name=application.receipt_number).click()
    expect(page.locator("main")).to_contain_text("大田 花子（オオタ ハナコ）")
    assert axe_violations(page) == []


def test_correction_and_withdrawal_pages_are_accessible(
    page: Page, make_user, make_staff, dog
) -> None:
    from jichitai.procedures.services import review

    resident = make_user("resident")
    application = _submitted_application(resident, dog)
    clerk = make_staff("clerk", department="koseki")
    clerk.is_verified = lambda: True
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="写真が不鮮明です。")
    submit_sign_in(page, resident.email, TEST_PASSWORD)
    page.goto(f"/applications/{application.receipt_number}/")
    expect(page.get_by_role("heading", name="補正への回答")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="補正に回答する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("補正への回答")
    assert axe_violations(page) == []
    page.get_by_label("直した内容・伝えたいこと（任意）").fill("撮り直しました。")
    page.get_by_role("button", name="補正を送る").click()
    expect(page.get_by_role("status")).to_contain_text("補正の内容を送りました")
    page.get_by_role("link", name="この申請を取り下げる").click()
    # The next page first: axe run while the browser is still leaving this one finds no document.
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を取り下げますか")
    assert axe_violations(page) == []
    page.get_by_role("button", name="取り下げる").click()
    expect(page.get_by_role("status")).to_contain_text("申請を取り下げました")
    expect(page.locator("main")).to_contain_text("取下げ")
