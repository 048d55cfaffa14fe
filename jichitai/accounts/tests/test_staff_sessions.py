"""Staff sessions end when idle or too old, and when the account is deactivated."""

import time

import pytest

from jichitai.accounts import services
from jichitai.accounts.models import UserSession
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db


def _age_session(client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_idle_staff_session_ends_and_returns_to_the_same_page(
    client, make_staff, signed_in, settings
) -> None:
    auditor = make_staff("auditor")
    signed_in(client, auditor)
    _age_session(client, services.STAFF_LAST_SEEN_KEY, settings.JICHITAI_STAFF_IDLE_TIMEOUT + 5)
    response = client.get("/staff/audit/?action=auth.sign_in")
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/accounts/sign-in/?next=%2Fstaff%2Faudit%2F%3Faction%3Dauth.sign_in"
    )
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_out", detail__reason="idle_timeout").exists()


def test_activity_keeps_a_staff_session_alive(client, make_staff, signed_in, settings) -> None:
    signed_in(client, make_staff("clerk"))
    _age_session(client, services.STAFF_LAST_SEEN_KEY, settings.JICHITAI_STAFF_IDLE_TIMEOUT - 60)
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/").status_code == 200


def test_staff_session_has_an_absolute_limit(client, make_staff, signed_in, settings) -> None:
    signed_in(client, make_staff("clerk"))
    _age_session(
        client, services.STAFF_SIGNED_IN_AT_KEY, settings.JICHITAI_STAFF_ABSOLUTE_TIMEOUT + 1
    )
    assert client.get("/staff/").status_code == 302


def test_an_expired_post_returns_to_the_form_page(client, make_staff, signed_in, settings) -> None:
    admin = make_staff("system_admin")
    signed_in(client, admin)
    _age_session(client, services.STAFF_LAST_SEEN_KEY, settings.JICHITAI_STAFF_IDLE_TIMEOUT + 5)
    response = client.post(f"/staff/members/{admin.pk}/", {"role": "auditor"})
    assert response["Location"] == f"/accounts/sign-in/?next=%2Fstaff%2Fmembers%2F{admin.pk}%2F"
    assert not admin.staff_roles.filter(role="auditor").exists()


def test_what_an_expired_post_carried_is_offered_back_after_signing_in_again(
    client, make_staff, signed_in, settings
) -> None:
    admin = make_staff("system_admin")
    member = make_staff("clerk")
    signed_in(client, admin)
    _age_session(client, services.STAFF_LAST_SEEN_KEY, settings.JICHITAI_STAFF_IDLE_TIMEOUT + 5)
    client.post(f"/staff/members/{member.pk}/", {"role": "auditor"})
    signed_in(client, admin)  # keeps the anonymous session's data, as a real sign-in does
    page = client.get(f"/staff/members/{member.pk}/")
    assert page.context["form"].initial == {"role": "auditor"}
    assert "入力した内容を戻しました" in page.content.decode()
    # Offered once only.
    assert client.get(f"/staff/members/{member.pk}/").context["form"].initial == {}


def test_kept_fields_go_only_to_the_same_user(client, make_staff, signed_in, settings) -> None:
    admin = make_staff("system_admin")
    other_admin = make_staff("system_admin")
    member = make_staff("clerk")
    signed_in(client, admin)
    _age_session(client, services.STAFF_LAST_SEEN_KEY, settings.JICHITAI_STAFF_IDLE_TIMEOUT + 5)
    client.post(f"/staff/members/{member.pk}/", {"role": "auditor"})
    signed_in(client, other_admin)
    assert client.get(f"/staff/members/{member.pk}/").context["form"].initial == {}


def test_staff_without_a_verified_second_factor_are_signed_out(client, make_staff) -> None:
    clerk = make_staff("clerk")
    client.force_login(clerk)  # a session with no second factor: must never be honoured
    assert client.get("/staff/").status_code == 302
    assert not UserSession.objects.filter(user_id=clerk.pk).exists()


def test_deactivating_an_account_ends_all_its_sessions(client, make_staff, signed_in) -> None:
    from django.test import Client

    admin = make_staff("system_admin")
    clerk = make_staff("clerk")
    clerk_phone, clerk_desk = Client(), Client()
    signed_in(clerk_phone, clerk)
    signed_in(clerk_desk, clerk)
    assert UserSession.objects.filter(user_id=clerk.pk).count() == 2
    signed_in(client, admin)
    assert client.post(f"/staff/members/{clerk.pk}/deactivate/").status_code == 302
    assert UserSession.objects.filter(user_id=clerk.pk).count() == 0
    assert clerk_phone.get("/staff/").status_code == 302
    assert clerk_desk.get("/staff/").status_code == 302
    event = AuditEvent.objects.get(action="account.deactivate", outcome="success")
    assert event.detail["sessions_ended"] == 2


def test_a_department_admin_cannot_deactivate(client, make_staff, signed_in) -> None:
    depadmin = make_staff("department_admin")
    clerk = make_staff("clerk")
    signed_in(client, depadmin)
    client.post(f"/staff/members/{clerk.pk}/deactivate/")
    clerk.refresh_from_db()
    assert clerk.is_active
