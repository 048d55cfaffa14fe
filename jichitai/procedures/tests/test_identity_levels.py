"""Procedures that require a verified identity (マイナンバーカードによる本人確認), on the web and
through the API, with the sample OpenID Connect provider on a real port."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jichitai.accounts.models import IdentityVerification
from jichitai.accounts.tests.oidc import approve_at_provider, local_path
from jichitai.governance.models import AuditEvent
from jichitai.procedures.models import Application, ApplicationDraft
from jichitai.procedures.tests.test_api_applications import ANSWERS, FORM, bearer, post
from jichitai.procedures.tests.test_apply_views import _answer_dog, _url

pytestmark = pytest.mark.django_db


def _require_verified(procedure):
    procedure.identity_level = "verified"
    procedure.save()
    return procedure


def _verify(client, next_url: str) -> None:
    page = client.get(local_path(next_url))
    assert "マイナンバーカードで本人確認をする" in page.content.decode()
    begun = client.post("/accounts/identity/begin/", {"provider": "sample", "next": next_url})
    back = client.get(local_path(approve_at_provider(begun["Location"])))
    assert back["Location"] == next_url


def test_a_verified_procedure_needs_a_verification_then_stores_the_level(
    resident_client, dog, oidc_provider, signed_in, make_staff
) -> None:
    client = resident_client
    _require_verified(dog)
    detail = f"/procedures/{dog.slug}/"
    refused = client.post(_url(dog))
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "マイナンバーカードによる本人確認が必要です" in body
    assert "/accounts/identity/?next=" in body
    assert not ApplicationDraft.objects.exists()

    _verify(client, detail)
    assert "本人確認は済んでいます" in client.get(detail).content.decode()
    assert _answer_dog(client, dog)["Location"] == _url(dog, "check")
    token = ApplicationDraft.objects.get().submission_token
    done = client.post(_url(dog, "check"), {"submission_token": token, "declaration": "yes"})
    assert done.status_code == 302, done.content.decode()[:500]
    application = Application.objects.get()
    assert application.identity_level == "verified"

    # Staff see the level the application was made with.
    signed_in(client, make_staff("clerk", department="koseki"))
    page = client.get(f"/staff/applications/{application.receipt_number}/").content.decode()
    assert "マイナンバーカードによる本人確認" in page
    # With what the provider verified, for comparing with the answers; the view is audited.
    verification = application.identity_verification
    assert verification is not None and verification.claims["name"] == "大田 花子"
    assert "大田 花子（生年月日 1985-04-01）" in page
    access = AuditEvent.objects.filter(action="personal_data.view").latest("pk")
    assert "identity_verification.claims" in access.fields


def test_an_expired_verification_stops_submission(resident_client, dog, oidc_provider) -> None:
    client = resident_client
    _require_verified(dog)
    _verify(client, f"/procedures/{dog.slug}/")
    _answer_dog(client, dog)
    IdentityVerification.objects.update(
        verified_at=timezone.now() - dt.timedelta(hours=2),
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    token = ApplicationDraft.objects.get().submission_token
    refused = client.post(_url(dog, "check"), {"submission_token": token, "declaration": "yes"})
    assert refused.status_code == 409
    assert "本人確認をしてから申請してください" in refused.content.decode()
    assert not Application.objects.exists()
    # Verifying again and coming back to the procedure resumes the draft at the check page.
    _verify(client, f"/procedures/{dog.slug}/")
    assert client.post(_url(dog))["Location"] == _url(dog, "check")
    done = client.post(_url(dog, "check"), {"submission_token": token, "declaration": "yes"})
    assert done.status_code == 302 and Application.objects.get().identity_level == "verified"
    # The evidence is the verification current at submission, not the expired one.
    assert Application.objects.get().identity_verification == IdentityVerification.objects.latest(
        "verified_at"
    )


def test_procedures_without_verification_work_without_it(resident_client, dog) -> None:
    # No provider running at all: an account-level procedure does not need one.
    client = resident_client
    detail = client.get(f"/procedures/{dog.slug}/").content.decode()
    assert "マイナンバーカードで本人確認" not in detail
    _answer_dog(client, dog)
    token = ApplicationDraft.objects.get().submission_token
    client.post(_url(dog, "check"), {"submission_token": token, "declaration": "yes"})
    assert Application.objects.get().identity_level == "account"
    assert Application.objects.get().identity_verification is None


@pytest.fixture
def verified_procedure(catalogue):
    from jichitai.procedures.services import intake

    procedure = _require_verified(catalogue["jido"])
    intake.publish_form(procedure, FORM)
    procedure.refresh_from_db()
    return procedure


def test_the_api_refuses_without_a_verification(
    client, verified_procedure, make_user, oidc_provider, signed_in
) -> None:
    resident = make_user("resident")
    headers = bearer(resident)
    refused = post(client, headers)
    assert refused.status_code == 403, refused.content
    problem = refused.json()
    assert refused["Content-Type"].startswith("application/problem+json")
    assert problem["code"] == "application.identity_required"
    assert not Application.objects.exists()

    # Verified on the web (the provider's flow needs a browser), the token's owner may apply.
    signed_in(client, resident)
    _verify(client, f"/procedures/{verified_procedure.slug}/")
    client.logout()
    accepted = post(client, headers, answers=ANSWERS)
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["identity_level"] == "verified"
