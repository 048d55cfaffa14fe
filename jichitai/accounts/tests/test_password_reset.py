"""Forgotten passwords: a one-time link by mail, all sessions ended, the owner told."""

import re

import pytest
from django.test import Client

from conftest import TEST_PASSWORD, body_of
from jichitai.accounts.models import UserSession
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "a brand new passphrase 2026"


def _reset_link(inbox) -> str:
    match = re.search(
        r"http://testserver(/accounts/password/reset/\S+)", body_of(inbox.wait_for(1)[0])
    )
    assert match
    return match.group(1)


def test_resident_resets_a_forgotten_password(client, make_user, signed_in, smtp_inbox) -> None:
    resident = make_user("resident")
    other_device = Client()
    signed_in(other_device, resident)

    response = client.post("/accounts/password/forgot/", {"email": resident.email.upper()})
    assert response["Location"] == "/accounts/password/forgot/sent/"
    link = _reset_link(smtp_inbox)
    assert client.get(link).status_code == 200

    weak = client.post(link, {"password": "short", "password_confirmation": "short"})
    assert weak.status_code == 400
    assert weak.context["form"].has_error("password", "password_too_short")

    done = client.post(link, {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD})
    assert done["Location"] == "/accounts/sign-in/"
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert not UserSession.objects.filter(user_id=resident.pk).exists()
    assert other_device.get("/mypage/").status_code == 302
    notice = smtp_inbox.wait_for(2)[1]
    assert "パスワードが変更されました" in body_of(notice)

    # The link works once.
    assert client.get(link).status_code == 400
    assert AuditEvent.objects.filter(
        action="account.password_reset", subject_id=resident.pk
    ).exists()


def test_unknown_address_gets_the_same_answer_and_no_mail(client, smtp_inbox) -> None:
    response = client.post("/accounts/password/forgot/", {"email": "nobody@example.jp"})
    assert response["Location"] == "/accounts/password/forgot/sent/"
    assert smtp_inbox.messages == []


def test_staff_still_need_their_second_factor_after_a_reset(client, make_staff, smtp_inbox) -> None:
    clerk = make_staff("clerk")
    client.post("/accounts/password/forgot/", {"email": clerk.email})
    link = _reset_link(smtp_inbox)
    client.post(link, {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD})
    response = client.post("/accounts/sign-in/", {"email": clerk.email, "password": NEW_PASSWORD})
    assert response["Location"] == "/accounts/sign-in/code/"
    assert client.get("/staff/").status_code == 302


def test_a_tampered_link_changes_nothing(client, make_user, smtp_inbox) -> None:
    resident = make_user("resident")
    client.post("/accounts/password/forgot/", {"email": resident.email})
    link = _reset_link(smtp_inbox)
    response = client.post(
        link[:-4] + "abc/", {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    )
    assert response.status_code == 400
    resident.refresh_from_db()
    assert resident.check_password(TEST_PASSWORD)
