"""The delivery log by keyboard, with and without JavaScript: filter, retry, axe clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import TEST_PASSWORD
from jichitai.notifications.models import OutboundEmail
from jichitai.notifications.models import OutboundEmailStatus as S
from tests.browser.conftest import axe_violations, sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_a_clerk_finds_a_failed_message_and_sends_it_again(
    browser, live_server, make_staff, departments, mailoutbox, javascript
) -> None:
    failed = OutboundEmail.objects.create(
        recipient="hanako@example.jp",
        subject="【オンライン窓口】申請を受け付けました",
        body="本文",
        language="ja",
        event="application.received",
        department=departments["koseki"],
        status=S.FAILED,
        attempts=6,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    OutboundEmail.objects.create(
        recipient="other@example.jp",
        subject="別の課のメール",
        language="ja",
        event="application.received",
        department=departments["kazei"],
    )
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=javascript
    )
    page: Page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_staff(page, make_staff("clerk", department="koseki"), TEST_PASSWORD)
    page.goto("/staff/")
    page.get_by_role("link", name="メール送信履歴").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("メール送信履歴")
    expect(page.get_by_role("cell", name="hanako@example.jp", exact=True)).to_be_visible()
    expect(page.get_by_text("別の課のメール")).to_have_count(0)
    assert axe_violations(page) == []

    page.get_by_label("送信の状態").select_option("failed")
    page.get_by_role("button", name="絞り込む").press("Enter")
    expect(page.get_by_text("ConnectionRefusedError")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="今すぐ再送 （hanako@example.jp）").press("Enter")
    expect(page.get_by_text("再送を受け付けました。")).to_be_visible()
    assert axe_violations(page) == []
    failed.refresh_from_db()
    assert failed.status == S.SENT and len(mailoutbox) == 1

    response = page.goto("/staff/notifications/?status=lost")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_department_admin_words_mail_by_keyboard(
    request, make_staff, catalogue, javascript
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "page_without_js")
    sign_in_staff(page, make_staff("department_admin", department="koseki"), TEST_PASSWORD)
    page.goto("/staff/")
    page.get_by_role("link", name="メールの文面").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("メールの文面")
    assert axe_violations(page) == []
    page.get_by_role("link", name="標準の文面（設定する） （補正の依頼・English）").first.press(
        "Enter"
    )
    page.get_by_label("件名").fill("Correction needed: {{ receipt_number }}")
    page.get_by_label("本文").fill("{{ applicant.email }}")
    page.get_by_role("button", name="保存する").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("applicant.email")
    assert axe_violations(page) == []
    page.get_by_label("本文").fill("{{ name }}: {{ message }}")
    page.get_by_role("button", name="保存する").press("Enter")
    expect(page.get_by_text("メールの文面を保存しました。")).to_be_visible()
    expect(
        page.get_by_role("link", name="独自の文面を編集 （補正の依頼・English）")
    ).to_be_visible()
    assert axe_violations(page) == []
