"""Signing in and out: sessions, throttling, audit."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import TEST_PASSWORD
from jichitai.accounts.models import SignInFailure
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db


def _sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post("/accounts/sign-in/", {"email": email, "password": password}, **extra)


def test_resident_signs_in_with_a_new_session_id_and_out_again(client, make_user) -> None:
    resident = make_user("resident", preferred_language="en")
    client.get("/accounts/sign-in/")
    client.session.save()
    before = client.session.session_key
    response = _sign_in(client, resident.email.upper())
    assert response.status_code == 302
    assert client.session.session_key != before
    assert response.cookies["django_language"].value == "en"
    session_key = client.session.session_key
    assert client.post("/accounts/sign-out/").status_code == 302
    from jichitai.accounts.models import UserSession

    assert not UserSession.objects.filter(session_key=session_key).exists()
    assert client.get("/mypage/").status_code == 302
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id"))[-2:] == [
        "auth.sign_in",
        "auth.sign_out",
    ]


def test_sign_out_needs_post(client, make_user, signed_in) -> None:
    signed_in(client, make_user("resident"))
    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.get("/mypage/").status_code == 200


def test_wrong_password_is_refused_and_audited_without_the_password(client, make_user) -> None:
    resident = make_user("resident")
    response = _sign_in(client, resident.email, "wrong password!!")
    assert response.status_code == 400
    assert "メールアドレスまたはパスワードが正しくありません" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.sign_in")
    assert event.outcome == "failure" and event.actor_label == resident.email
    assert "wrong password" not in str(event.detail)


def test_unknown_and_known_addresses_fail_alike(client, make_user) -> None:
    resident = make_user("resident")
    known = _sign_in(client, resident.email, "wrong password!!").content.decode()
    unknown = _sign_in(client, "nobody@example.jp", "wrong password!!").content.decode()
    assert known.replace(resident.email, "").count("正しくありません") == unknown.count(
        "正しくありません"
    )


def test_repeated_failures_are_throttled_then_allowed_again(client, make_user, settings) -> None:
    settings.JICHITAI_SIGN_IN_FAILURES_PER_ACCOUNT = 3
    resident = make_user("resident")
    for _ in range(3):
        assert _sign_in(client, resident.email, "wrong password!!").status_code == 400
    throttled = _sign_in(client, resident.email)  # even the right password waits
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "分ほど待ってから" in throttled.content.decode()
    assert AuditEvent.objects.filter(action="auth.sign_in", outcome="denied").exists()
    # No permanent lock-out: once the window has passed, the right password works.
    SignInFailure.objects.update(occurred_at=timezone.now() - dt.timedelta(hours=1))
    assert _sign_in(client, resident.email).status_code == 302


def test_one_address_guessing_many_accounts_is_throttled(client, make_user, settings) -> None:
    settings.JICHITAI_SIGN_IN_FAILURES_PER_IP = 4
    for number in range(4):
        _sign_in(client, f"guess{number}@example.jp", "wrong password!!")
    assert _sign_in(client, "another@example.jp", "wrong password!!").status_code == 429


def test_next_is_followed_only_within_the_site(client, make_user) -> None:
    resident = make_user("resident")
    response = client.post(
        "/accounts/sign-in/?next=https://evil.example.com/",
        {"email": resident.email, "password": TEST_PASSWORD},
    )
    assert response["Location"] == "/mypage/"


def test_deactivated_account_cannot_sign_in(client, make_user) -> None:
    resident = make_user("resident", is_active=False)
    assert _sign_in(client, resident.email).status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "a@example.jp"},
        {"email": "x" * 300 + "@example.jp", "password": "p"},
        {"email": "a@example.jp", "password": "p" * 300},
    ],
)
def test_malformed_sign_in_is_a_400_with_a_message(client, data) -> None:
    response = client.post("/accounts/sign-in/", data)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
