"""Residents register and verify their address by mail sent over real SMTP."""

import re

import pytest

from conftest import body_of
from jichitai.accounts.models import User
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

GOOD = {
    "display_name": "大田 花子",
    "email": "Hanako@Example.jp",
    "password": "kamata haneda omori 2026",
    "password_confirmation": "kamata haneda omori 2026",
}


def _link(message) -> str:
    match = re.search(r"http://testserver(/accounts/verify/[^\s]+)", body_of(message))
    assert match, body_of(message)
    return match.group(1)


# Mail is queued on commit, so these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_register_verify_and_sign_in(client, smtp_inbox) -> None:
    response = client.post("/accounts/register/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/accounts/register/sent/"
    user = User.objects.get()
    assert user.email == "hanako@example.jp" and user.is_resident and user.email_verified_at is None
    assert user.password.startswith("md5$")  # hashed (with the test suite's fast hasher)

    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == "hanako@example.jp"
    assert "メールアドレスの確認" in message["Subject"]
    link = _link(message)

    # Signing in before verifying is refused with a clear reason.
    refused = client.post(
        "/accounts/sign-in/", {"email": GOOD["email"], "password": GOOD["password"]}
    )
    assert refused.status_code == 400
    assert "メールアドレスの確認が済んでいません" in refused.content.decode()

    # Opening the link changes nothing; the button does.
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is None
    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None

    # The link works once.
    assert client.post(link).status_code == 400

    signed = client.post(
        "/accounts/sign-in/", {"email": "hanako@example.jp", "password": GOOD["password"]}
    )
    assert signed.status_code == 302 and signed["Location"] == "/mypage/"
    assert client.get("/mypage/").status_code == 200
    assert AuditEvent.objects.filter(action="account.email_verified", subject_id=user.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_registering_a_taken_address_reveals_nothing_and_tells_the_owner(
    client, make_user, smtp_inbox
) -> None:
    make_user("resident", email="hanako@example.jp")
    response = client.post("/accounts/register/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/accounts/register/sent/"
    assert User.objects.count() == 1
    [message] = smtp_inbox.wait_for(1)
    assert "すでに登録されています" in body_of(message)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"email": "not-an-address"}, "email", "invalid"),
        ({"display_name": ""}, "display_name", "required"),
        ({"password": "short", "password_confirmation": "short"}, "password", "password_too_short"),
        (
            {"password": "password1234", "password_confirmation": "password1234"},
            "password",
            "password_too_common",
        ),
        (
            {"password_confirmation": "different password 1"},
            "password_confirmation",
            "password_mismatch",
        ),
        ({"display_name": "x" * 101}, "display_name", "max_length"),
        ({"display_name": "\x00"}, "display_name", "null_characters_not_allowed"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(
    client, mailoutbox, change, field, code
) -> None:
    response = client.post("/accounts/register/", {**GOOD, **change})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.has_error(field, code)
    assert JAPANESE.search(" ".join(form.errors[field]))  # the message is in Japanese
    body = response.content.decode()
    assert 'class="error-summary"' in body and f'href="#id_{field}"' in body
    assert 'aria-invalid="true"' in body
    assert User.objects.count() == 0 and mailoutbox == []


def test_long_passphrases_are_accepted(client, mailoutbox) -> None:
    passphrase = "大田区の空は青い " * 8  # 72 characters
    response = client.post(
        "/accounts/register/", {**GOOD, "password": passphrase, "password_confirmation": passphrase}
    )
    assert response.status_code == 302
    assert User.objects.get().check_password(passphrase)


@pytest.mark.django_db(transaction=True)
def test_tampered_link_is_refused(client, smtp_inbox) -> None:
    client.post("/accounts/register/", GOOD)
    link = _link(smtp_inbox.wait_for(1)[0])
    assert client.post(link[:-3] + "xyz/").status_code == 400
    assert User.objects.get().email_verified_at is None


@pytest.mark.django_db(transaction=True)
def test_registering_again_before_verifying_sends_a_new_link(client, smtp_inbox) -> None:
    client.post("/accounts/register/", GOOD)
    client.post("/accounts/register/", GOOD)
    _first, second = smtp_inbox.wait_for(2)
    assert User.objects.count() == 1
    assert "/accounts/verify/" in body_of(second)
