"""Save and come back later by an emailed link: once, latest only, owner only, not for staff."""

import re

import pytest
from django.core import signing
from django.test import Client

from jichitai.governance.models import AuditEvent
from jichitai.procedures.models import ApplicationDraft
from jichitai.procedures.tests.test_apply_views import APPLICANT, _url

pytestmark = pytest.mark.django_db


def _save_for_later(client, procedure, mailoutbox, django_capture_on_commit_callbacks) -> str:
    client.post(_url(procedure))
    client.post(_url(procedure, "applicant"), APPLICANT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(procedure, "save-for-later"))
    assert response.status_code == 200
    assert client.resident.email in response.content.decode()
    mail = mailoutbox[-1]
    assert mail.to == [client.resident.email]
    link = re.search(r"https?://\S+/procedures/resume/\S+/", mail.body)
    assert link is not None
    return link.group(0).split("://", 1)[1].split("/", 1)[1]


def test_the_link_signs_in_on_another_device_and_continues_where_they_stopped(
    resident_client, dog, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    path = "/" + _save_for_later(
        resident_client, dog, mailoutbox, django_capture_on_commit_callbacks
    )
    phone = Client()
    page = phone.get(path)
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    response = phone.post(path)
    assert response.status_code == 302 and response["Location"] == _url(dog, "dog")
    assert phone.get(_url(dog, "dog")).status_code == 200  # signed in as the owner
    assert AuditEvent.objects.filter(action="draft.resume_link_used").count() == 1
    # Used once: the same link now explains itself and signs no one in.
    again = Client().post(path)
    assert again.status_code == 400 and "このリンクは使えません" in again.content.decode()


def test_only_the_latest_link_works(
    resident_client, dog, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    first = "/" + _save_for_later(
        resident_client, dog, mailoutbox, django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        resident_client.post(_url(dog, "save-for-later"))
    assert Client().post(first).status_code == 400


@pytest.mark.parametrize("tamper", ["signature", "draft", "expired"])
def test_tampered_or_expired_links_are_refused(
    resident_client, dog, mailoutbox, django_capture_on_commit_callbacks, settings, tamper
) -> None:
    path = "/" + _save_for_later(
        resident_client, dog, mailoutbox, django_capture_on_commit_callbacks
    )
    token = path.rstrip("/").rsplit("/", 1)[1]
    draft = ApplicationDraft.objects.get()
    if tamper == "signature":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif tamper == "draft":
        token = signing.TimestampSigner(salt="x").sign(f"{draft.pk}.{draft.resume_nonce}")
    else:
        from unittest import mock

        with mock.patch("jichitai.procedures.services.resume_links.RESUME_LINK_DAYS", -1):
            assert Client().post(path).status_code == 400
        return
    assert Client().post(f"/procedures/resume/{token}/").status_code == 400


def test_saving_for_later_needs_a_draft_and_a_resident(client, dog, make_user, signed_in) -> None:
    resident = make_user("resident")
    signed_in(client, resident)
    assert client.post(_url(dog, "save-for-later")).status_code == 404  # nothing started
    assert client.get(_url(dog, "save-for-later")).status_code == 405
