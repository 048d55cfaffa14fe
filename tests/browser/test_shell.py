"""The shell as people use it: in Chromium, by keyboard, with and without JavaScript; axe-clean."""

from __future__ import annotations

import re
import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import ConsoleMessage, Page, expect

from conftest import TEST_PASSWORD, body_of
from tests.browser.conftest import axe_violations, sign_in_staff, submit_sign_in, totp_now

pytestmark = pytest.mark.django_db(transaction=True)


def _register_and_verify(page: Page, smtp_inbox, email: str) -> None:
    page.goto("/accounts/register/")
    assert axe_violations(page) == []
    page.get_by_label("お名前（表示名）").fill("大田 花子")
    page.get_by_label("メールアドレス").fill(email)
    page.locator("#id_password").fill("kamata haneda omori 2026")
    page.get_by_label("パスワード（確認）").fill("kamata haneda omori 2026")
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("メールを確認してください")
    assert axe_violations(page) == []
    [message] = smtp_inbox.wait_for(1)
    link = re.search(r"https?://\S+/accounts/verify/\S+", body_of(message))
    assert link is not None
    page.goto(link.group(0).replace("http://testserver", ""))
    assert axe_violations(page) == []
    page.get_by_role("button", name="登録を完了する").click()
    expect(page.get_by_role("status")).to_contain_text("メールアドレスを確認しました")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_resident_registers_verifies_signs_in_and_out(
    request, municipality, smtp_inbox, settings, javascript
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "page_without_js")
    settings.JICHITAI_PUBLIC_URL = "http://testserver"
    _register_and_verify(page, smtp_inbox, "hanako@example.jp")

    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.locator("#id_password").fill("kamata haneda omori 2026")
    page.get_by_role("button", name="サインインする").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")
    expect(page.get_by_text("hanako@example.jp")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="サインアウト").click()
    expect(page.get_by_role("status")).to_contain_text("サインアウトしました")
    page.goto("/mypage/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next="))


def test_errors_are_summarised_and_linked_to_fields(page: Page, municipality) -> None:
    page.goto("/accounts/register/")
    page.get_by_label("メールアドレス").fill("not an address")
    page.get_by_role("button", name="登録する").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()  # the script moves focus to the summary
    expect(summary).to_contain_text("お名前（表示名）")
    summary.get_by_role("link", name=re.compile("メールアドレス")).click()
    expect(page.get_by_label("メールアドレス")).to_be_focused()
    expect(page).to_have_title(re.compile("^エラー："))


def test_staff_enrols_an_authenticator_then_signs_in_and_a_replay_is_refused(
    page: Page, make_staff, make_user, departments
) -> None:
    from jichitai.accounts.models import StaffRole

    clerk = make_user("staff", email="clerk@example.jp")
    StaffRole.objects.create(user=clerk, role="clerk", department=departments["koseki"])

    submit_sign_in(page, "clerk@example.jp", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("認証アプリの登録")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator(".secret").inner_text().replace(" ", "")
    enrolled_at = time.time()
    used_code = totp_now(secret, at=enrolled_at)
    page.get_by_label("確認コード").fill(used_code)
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("回復コードを控えてください")
    expect(page.locator(".codes li")).to_have_count(10)
    page.get_by_role("link", name="控えたので次へ進む").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("職員メニュー")
    expect(page.get_by_text("担当者（戸籍住民課）")).to_be_visible()
    page.get_by_role("button", name="サインアウト").click()

    # Sign in again: the code already used is refused, the next one accepted.
    used = TOTPDevice.objects.get(user=clerk, confirmed=True)
    submit_sign_in(page, "clerk@example.jp", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("確認コードの入力")
    page.get_by_label("確認コード").fill(used_code)
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("alert")).to_contain_text("すでに使われています")
    used.refresh_from_db()
    used.throttling_failure_count = 0  # the refused replay started a pause; skip waiting it out
    used.throttling_failure_timestamp = None
    used.save()
    page.get_by_label("確認コード").fill(totp_now(secret, at=enrolled_at, step_offset=1))
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("職員メニュー")


def test_language_switch(page: Page, municipality) -> None:
    page.goto("/organisation/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/organisation/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation")
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("組織一覧")


def test_skip_link_is_first_and_moves_focus_to_main(page: Page, municipality) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_sign_in_by_keyboard_only(page: Page, make_user, municipality) -> None:
    resident = make_user("resident")
    page.goto("/accounts/sign-in/")
    page.get_by_label("メールアドレス").focus()
    page.keyboard.type(resident.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")


def test_pages_load_no_third_party_resources_and_break_no_csp(page: Page, municipality) -> None:
    requested: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda req: requested.append(req.url))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    page.on("console", on_console)
    page.goto("/")
    page.goto("/accounts/register/")
    origin = page.url.split("/accounts")[0]
    assert all(url.startswith(origin) for url in requested), requested
    assert console_errors == []


def test_audit_log_filters_in_place_with_htmx_and_without(
    page: Page, page_without_js: Page, make_staff
) -> None:
    from jichitai.governance.services import record_event

    auditor = make_staff("auditor")
    record_event("role.grant", actor_label="admin@example.jp")
    for current in (page, page_without_js):
        sign_in_staff(current, auditor, TEST_PASSWORD)
        current.goto("/staff/audit/")
        if current is page:
            current.evaluate("window.notReloaded = true")
        current.get_by_label("操作", exact=True).select_option("role.grant")
        current.get_by_role("button", name="絞り込む").click()
        expect(current).to_have_url(re.compile(r"action=role.grant"))
        expect(current.locator("tbody tr")).to_have_count(1)
        expect(current.locator("tbody")).to_contain_text("admin@example.jp")
        assert axe_violations(current) == []
        if current is page:
            assert current.evaluate("window.notReloaded") is True  # htmx swapped the fragment
        current.get_by_role("button", name="サインアウト").click()
