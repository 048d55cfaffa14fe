"""Helpers for back-office tests: one-question forms and applications made through the services."""

from typing import Any

import pytest
from django.http import QueryDict

from jichitai.procedures.demo_forms import FORMS
from jichitai.procedures.models import Application, Procedure
from jichitai.procedures.services import intake

NOTE_FORM = {
    "title": {"ja": "届出"},
    "pages": [
        {
            "id": "p",
            "title": {"ja": "内容"},
            "questions": [{"id": "note", "type": "short_text", "label": {"ja": "内容"}}],
        }
    ],
}


def open_for_notes(procedure: Procedure) -> Procedure:
    """Publish the one-question form and let any signed-in resident apply."""
    return open_with_form(procedure, NOTE_FORM)


def open_with_form(procedure: Procedure, form: dict[str, Any]) -> Procedure:
    """Publish `form` and let any signed-in resident apply."""
    procedure.identity_level = "account"
    procedure.save()
    intake.publish_form(procedure, form)
    procedure.refresh_from_db()
    return procedure


def apply_with_note(resident, procedure: Procedure, note: str = "テスト") -> Application:
    draft = intake.draft_for(resident, procedure)
    data = QueryDict(mutable=True)
    data["note"] = note
    intake.save_page(draft, "p", data, {})
    return intake.submit(resident, procedure, draft.submission_token)


@pytest.fixture
def application(catalogue, make_user) -> Application:
    """One application to 戸籍住民課 (koseki, the owner of catalogue["jido"])."""
    return apply_with_note(make_user("resident"), open_for_notes(catalogue["jido"]), "内容")


@pytest.fixture
def dog(catalogue):
    """The demo dog-registration form, live on catalogue["jido"] for signed-up residents."""
    procedure = catalogue["jido"]
    procedure.identity_level = "account"
    procedure.save()
    intake.publish_form(procedure, FORMS["inu-toroku"])
    procedure.refresh_from_db()
    return procedure


@pytest.fixture
def resident_client(client, make_user, signed_in):
    resident = make_user("resident")
    signed_in(client, resident)
    client.resident = resident
    return client
