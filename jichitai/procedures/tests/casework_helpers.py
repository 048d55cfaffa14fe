"""A form with a name and a free-text answer, and applications made with it through the
services, for the casework tests (search, export)."""

from django.http import QueryDict

from jichitai.procedures.models import Application, Procedure
from jichitai.procedures.services import intake

NAME_FORM = {
    "title": {"ja": "届出"},
    "pages": [
        {
            "id": "p",
            "title": {"ja": "申請者"},
            "questions": [
                {"id": "applicant", "type": "name", "label": {"ja": "氏名"}},
                {"id": "note", "type": "short_text", "label": {"ja": "内容"}, "required": False},
            ],
        }
    ],
}


def open_for_names(procedure: Procedure) -> Procedure:
    procedure.identity_level = "account"
    procedure.save()
    intake.publish_form(procedure, NAME_FORM)
    procedure.refresh_from_db()
    return procedure


def apply_with_name(
    resident,
    procedure: Procedure,
    family: str,
    given: str,
    family_kana: str,
    given_kana: str,
    note: str = "",
) -> Application:
    draft = intake.draft_for(resident, procedure)
    data = QueryDict(mutable=True)
    data["applicant.family"] = family
    data["applicant.given"] = given
    data["applicant.family_kana"] = family_kana
    data["applicant.given_kana"] = given_kana
    data["note"] = note
    result = intake.save_page(draft, "p", data, {})
    assert result.valid, result.errors
    return intake.submit(resident, procedure, draft.submission_token)
