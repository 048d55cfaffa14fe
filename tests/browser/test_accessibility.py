"""axe-core (WCAG 2.1 A and AA rules) reports nothing on any page of the shell."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from conftest import TEST_PASSWORD
from jichitai.accounts.tokens import email_verification_token
from jichitai.governance.services import record_event
from tests.browser.conftest import axe_violations, submit_sign_in, totp_now

pytestmark = pytest.mark.django_db(transaction=True)


def _assert_accessible(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, path
    assert axe_violations(page) == [], path


@pytest.mark.parametrize("language", ["ja", "en"])
def test_public_pages(page: Page, make_user, departments, language) -> None:
    unverified = make_user("resident", verified=False)
    uid = urlsafe_base64_encode(force_bytes(unverified.pk))
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
    for path in [
        "/",
        "/organisation/",
        "/accounts/sign-in/",
        "/accounts/register/",
        "/accounts/register/sent/",
        "/accounts/verify/resend/",
        f"/accounts/verify/{uid}/{email_verification_token.make_token(unverified)}/",
        (f"/accounts/verify/{uid}/bad-token/", 400),
        ("/no-such-page/", 404),
        "/accounts/password/forgot/",
        "/accounts/password/forgot/sent/",
        f"/accounts/password/reset/{uid}/{default_token_generator.make_token(unverified)}/",
    ]:
        path, status = path if isinstance(path, tuple) else (path, 200)
        _assert_accessible(page, path, status)


def test_forms_with_errors(page: Page, municipality) -> None:
    page.goto("/accounts/register/")
    page.get_by_role("button", name="登録する").click()
    _wait_for_the_error_summary(page)
    assert axe_violations(page) == []
    submit_sign_in(page, "nobody@example.jp", "wrong password!")
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_violations(page) == []


def test_resident_pages(page: Page, make_user, municipality) -> None:
    resident = make_user("resident")
    submit_sign_in(page, resident.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")
    assert axe_violations(page) == []
    _assert_accessible(page, "/staff/", status=403)


def test_staff_pages_through_enrolment(page: Page, make_user, make_staff, departments) -> None:
    from jichitai.accounts.models import StaffRole

    admin = make_user("staff", email="admin@example.jp")
    StaffRole.objects.create(user=admin, role="system_admin")
    StaffRole.objects.create(user=admin, role="auditor")
    member = make_staff("clerk")
    record_event("auth.sign_in", actor_label="someone@example.jp")

    submit_sign_in(page, "admin@example.jp", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("認証アプリの登録")
    assert axe_violations(page) == []
    secret = page.locator(".secret").inner_text().replace(" ", "")
    page.get_by_label("確認コード").fill("12")
    page.get_by_role("button", name="登録する").click()
    _wait_for_the_error_summary(page)
    assert axe_violations(page) == []  # enrolment with an error
    page.get_by_label("確認コード").fill(totp_now(secret))
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("回復コードを控えてください")
    assert axe_violations(page) == []
    for path in [
        "/staff/",
        "/staff/members/",
        f"/staff/members/{member.pk}/",
        "/staff/audit/",
        "/staff/audit/?since=2026-05-01&until=2026-04-01",
    ]:
        path, status = path if isinstance(path, tuple) else (path, 200)
        _assert_accessible(page, path, status)
    page.goto(f"/staff/members/{member.pk}/")
    page.get_by_role("button", name="付与する").click()
    _wait_for_the_error_summary(page)
    assert axe_violations(page) == []  # grant form with an error


def test_code_entry_page(page: Page, make_staff) -> None:
    clerk = make_staff("clerk")
    submit_sign_in(page, clerk.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("確認コードの入力")
    assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_checker_itself_finds_violations(request, municipality, javascript: bool) -> None:
    """Guards against a harness that silently checks nothing, with or without JavaScript."""
    page: Page = request.getfixturevalue("page" if javascript else "page_without_js")
    page.goto("/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\\'data:,\\'>')"
    )
    assert "image-alt" in {violation["id"] for violation in axe_violations(page)}


def test_without_javascript_axe_checks_what_a_browser_without_scripts_shows(
    page_without_js: Page, municipality
) -> None:
    """No page script runs in the copy axe checks, <noscript> content is shown, and the site's
    style sheets apply (dark text is hard to read only on the danger button's red)."""
    page = page_without_js
    page.goto("/")
    page.evaluate(
        """document.querySelector('main').insertAdjacentHTML('beforeend',
          '<img id="a" src="data:,"><script>document.getElementById("a").alt = "A"</script>'
          + '<noscript><img id="b" src="data:,"></noscript>'
          + '<p id="c" class="button--danger">赤い背景</p>')"""
    )
    found = {v["id"]: v["nodes"] for v in axe_violations(page)}
    assert found["image-alt"] == [["#a"], ["#b"]]
    assert ["#c"] in found["color-contrast"]


def _wait_for_the_error_summary(page: Page) -> None:
    """The refused form's page has arrived: axe run while the browser is still leaving the
    previous one finds no document to check."""
    expect(page.locator(".error-summary")).to_be_visible()
