"""One application per unit: a household reference, or the applicant's account."""

import pytest
from django.http import QueryDict
from pydantic import ValidationError

from jichitai.core.errors import DomainError
from jichitai.procedures.formdoc import schema
from jichitai.procedures.models import Application
from jichitai.procedures.services import intake, resident_actions

pytestmark = pytest.mark.django_db

HOUSEHOLD_FORM = {
    "title": {"ja": "給付金の申請"},
    "dedupe": {"question": "household_ref"},
    "pages": [
        {
            "id": "letter",
            "title": {"ja": "申請書の番号"},
            "questions": [
                {"id": "household_ref", "type": "short_text", "label": {"ja": "世帯番号"}},
            ],
        },
        {
            "id": "note",
            "title": {"ja": "連絡事項"},
            "questions": [
                {"id": "note", "type": "short_text", "label": {"ja": "連絡事項"}, "required": False}
            ],
        },
    ],
}


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(fields)
    return data


@pytest.fixture
def benefit(catalogue):
    procedure = catalogue["jido"]
    intake.publish_form(procedure, HOUSEHOLD_FORM)
    procedure.refresh_from_db()
    return procedure


def fill(resident, procedure, reference: str):
    draft = intake.draft_for(resident, procedure)
    result = intake.save_page(draft, "letter", posted(household_ref=reference), {})
    return draft, result


def test_a_second_application_for_the_same_household_is_refused_naming_the_first(
    benefit, make_user
) -> None:
    first_resident, second_resident = make_user("resident"), make_user("resident")
    draft, result = fill(first_resident, benefit, "AB-1234")
    assert result.valid
    first = intake.submit(first_resident, benefit, draft.submission_token)

    # Typed differently (full width, lower case, no hyphen): still the same household, and the
    # resident hears it on the page where they typed it.
    _draft, result = fill(second_resident, benefit, "ａｂ１２３４")
    [error] = result.errors["household_ref"]
    assert error.code == "application.duplicate" and first.receipt_number in error.message
    assert Application.objects.count() == 1


def test_the_final_check_refuses_a_duplicate_that_arrived_meanwhile(benefit, make_user) -> None:
    early, late = make_user("resident"), make_user("resident")
    late_draft, result = fill(late, benefit, "X-1")
    assert result.valid
    early_draft, _ = fill(early, benefit, "X-1")
    first = intake.submit(early, benefit, early_draft.submission_token)
    with pytest.raises(DomainError) as refused:
        intake.submit(late, benefit, late_draft.submission_token)
    assert refused.value.code == "application.duplicate"
    assert first.receipt_number in refused.value.message
    assert Application.objects.count() == 1


def test_a_withdrawn_application_frees_the_household(benefit, make_user) -> None:
    resident = make_user("resident")
    draft, _ = fill(resident, benefit, "Z-9")
    first = intake.submit(resident, benefit, draft.submission_token)
    resident_actions.withdraw(resident, first)
    draft, result = fill(resident, benefit, "Z-9")
    assert result.valid
    second = intake.submit(resident, benefit, draft.submission_token)
    assert second != first and Application.objects.count() == 2


def test_without_a_question_the_rule_is_one_application_per_account(catalogue, make_user) -> None:
    procedure = catalogue["jido"]
    form = {**HOUSEHOLD_FORM, "dedupe": {}}
    intake.publish_form(procedure, form)
    procedure.refresh_from_db()
    resident = make_user("resident")
    draft, _ = fill(resident, procedure, "A")
    intake.submit(resident, procedure, draft.submission_token)
    draft, result = fill(resident, procedure, "B")
    assert result.valid  # only the account matters
    with pytest.raises(DomainError, match="受付番号"):
        intake.submit(resident, procedure, draft.submission_token)
    other = make_user("resident")
    draft, _ = fill(other, procedure, "A")
    assert intake.submit(other, procedure, draft.submission_token)


@pytest.mark.parametrize(
    "rule",
    [
        {"question": "missing"},
        {"question": "note"},  # optional: an unanswered question cannot identify anyone
    ],
)
def test_the_rule_must_name_a_required_identifying_question(rule) -> None:
    with pytest.raises(ValidationError, match="dedupe"):
        schema.parse({**HOUSEHOLD_FORM, "dedupe": rule})
