"""Staff-scoped API tokens: made in a staff session after the second factor, stored only as a
digest, audited, and the only tokens that let a program act as verified staff."""

from __future__ import annotations

import hashlib

import pytest

from jichitai.accounts import api_tokens
from jichitai.accounts.models import ApiToken
from jichitai.accounts.policies import is_verified_staff
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_token_made_by_signed_in_staff_is_staff_scoped(client, make_staff, signed_in) -> None:
    staff = make_staff("clerk")
    signed_in(client, staff)
    response = client.post("/account/tokens/", {"name": "CKAN", "days": "30"})
    assert response.status_code == 200
    page = response.content.decode()
    token = ApiToken.objects.get(user=staff)
    assert token.staff_scope and "職員用" in page
    text = page.split('<p class="secret token">')[1].split("</p>")[0].strip()
    assert token.digest == hashlib.sha256(text.encode()).hexdigest()
    assert text not in str(ApiToken.objects.values_list().get())
    assert is_verified_staff(api_tokens.user_for_token(text))
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.detail["staff_scope"] is True


def test_a_residents_token_is_not_staff_scoped(client, make_user, signed_in) -> None:
    resident = make_user("resident")
    signed_in(client, resident)
    client.post("/account/tokens/", {"name": "家計簿", "days": "30"})
    assert not ApiToken.objects.get(user=resident).staff_scope


def test_an_unmarked_staff_token_does_not_act_as_verified_staff(make_staff) -> None:
    staff = make_staff("approver")
    _token, text = api_tokens.create_token(staff, name="old", days=30)
    user = api_tokens.user_for_token(text)
    assert user is not None and not is_verified_staff(user)


def test_a_revoked_staff_token_stops_working(make_staff) -> None:
    staff = make_staff("approver")
    token, text = api_tokens.create_token(staff, name="t", days=30, staff_scope=True)
    api_tokens.revoke_token(staff, token.pk)
    assert api_tokens.user_for_token(text) is None
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()
