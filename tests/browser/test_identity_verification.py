"""A resident verifies their identity at the (sample) OpenID Connect provider and applies for a
procedure that requires it: by keyboard, with and without JavaScript; axe on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import TEST_PASSWORD
from jichitai.procedures.models import Application
from jichitai.procedures.services import intake
from tests.browser.conftest import axe_violations, submit_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NOTE_FORM = {
    "title": {"ja": "証明書の請求"},
    "pages": [
        {
            "id": "request",
            "title": {"ja": "請求の内容"},
            "questions": [{"id": "note", "type": "short_text", "label": {"ja": "必要な通数"}}],
        }
    ],
}


@pytest.fixture
def verified_procedure(catalogue, oidc_provider, settings, live_server):
    # The provider sends the resident back to the address the site is served at.
    settings.JICHITAI_PUBLIC_URL = live_server.url
    procedure = catalogue["jido"]
    procedure.identity_level = "verified"
    procedure.save()
    intake.publish_form(procedure, NOTE_FORM)
    return procedure


def _press(page: Page, role: str, name: str) -> None:
    """Reach a control by keyboard focus and activate it with Enter, as a keyboard user does."""
    control = page.get_by_role(role, name=name)  # type: ignore[arg-type]
    control.focus()
    page.keyboard.press("Enter")


def _journey(page: Page, resident, procedure, *, javascript: bool) -> None:
    def _checked(label: str) -> None:
        assert axe_violations(page) == [], label

    submit_sign_in(page, resident.email, TEST_PASSWORD)
    page.goto(f"/procedures/{procedure.slug}/")
    expect(page.locator("main")).to_contain_text("マイナンバーカードによる本人確認が必要です")
    _checked("procedure")
    _press(page, "link", "マイナンバーカードで本人確認をする")
    expect(page.get_by_role("heading", level=1)).to_have_text("本人確認")
    expect(page.locator("main")).to_contain_text("マイナンバー（個人番号）は受け取りません")
    _checked("verify")
    _press(page, "button", "テスト用の本人確認サービスで本人確認をする")

    # At the provider (the sample one here; the My Number card app in production).
    expect(page.get_by_role("heading", level=1)).to_have_text("開発用の本人確認サービス（見本）")
    _checked("provider")
    page.get_by_label("蒲田 太郎（1979-11-23生）").focus()
    page.keyboard.press("Space")
    _press(page, "button", "本人確認をする")

    # Back on the procedure, verified: apply.
    expect(page.get_by_role("status")).to_contain_text("本人確認ができました")
    expect(page.locator("main")).to_contain_text("本人確認は済んでいます")
    _checked("procedure, verified")
    _press(page, "button", "オンラインで申請する")
    expect(page.get_by_role("heading", level=1)).to_have_text("請求の内容")
    page.get_by_label("必要な通数").fill("1通")
    _press(page, "button", "次へ進む")
    expect(page.get_by_role("heading", level=1)).to_have_text("申請内容の確認")
    _press(page, "button", "この内容で申請する")
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    _checked("receipt")
    assert Application.objects.get(applicant=resident).identity_level == "verified"


def test_verify_and_apply_with_javascript(page: Page, make_user, verified_procedure) -> None:
    _journey(page, make_user("resident"), verified_procedure, javascript=True)


def test_a_failed_verification_explains_and_offers_to_retry(
    page: Page, make_user, verified_procedure
) -> None:
    submit_sign_in(page, make_user("resident").email, TEST_PASSWORD)
    page.goto("/accounts/identity/callback/?state=forged&code=forged")
    expect(page.get_by_role("heading", level=1)).to_have_text("本人確認ができませんでした")
    expect(page.locator("main")).to_contain_text("最初からやり直してください")
    assert axe_violations(page) == []
    _press(page, "link", "もう一度本人確認をする")
    expect(page.get_by_role("heading", level=1)).to_have_text("本人確認")


def test_verify_and_apply_without_javascript(
    page_without_js: Page, make_user, verified_procedure
) -> None:
    _journey(page_without_js, make_user("resident"), verified_procedure, javascript=False)
