"""The builder's "one application per …" setting (重複申請の防止): per applicant, per answer to
a required text question, or none; refused for a question the schema cannot key on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jichitai.procedures.builder_forms import DEDUPE_APPLICANT, SettingsForm, dedupe_choices
from jichitai.procedures.models import FormDraft, Procedure
from jichitai.procedures.services import builder

pytestmark = pytest.mark.django_db


def T(ja: str) -> dict[str, str]:
    return {"ja": ja, "en": ""}


@pytest.fixture
def admin_client(client, make_staff, signed_in):
    admin = make_staff("department_admin")
    signed_in(client, admin)
    client.user = admin
    return client


@pytest.fixture
def procedure(departments, admin_client) -> Procedure:
    procedure = builder.create_procedure(
        actor=None,
        slug="kyufu-test",
        department=departments["koseki"],
        title_ja="給付金",
        summary_ja="給付金の申請",
        channel="online",
        identity_level="account",
    )
    draft = builder.draft_of(procedure)
    for question in (
        {"id": "household_ref", "type": "short_text", "label": T("世帯番号")},
        {"id": "memo", "type": "short_text", "label": T("メモ"), "required": False},
        {"id": "born", "type": "date", "label": T("生年月日")},
    ):
        draft = builder.add_question(
            draft, draft.revision, "page1", question, actor=admin_client.user
        )
    return procedure


def _settings(client, procedure, dedupe: str):
    draft = FormDraft.objects.get(procedure=procedure)
    return client.post(
        reverse("procedures:builder_settings", args=[procedure.slug]),
        {"revision": draft.revision, "title_ja": "給付金", "dedupe": dedupe},
    )


def test_choices_offer_only_questions_the_schema_accepts(procedure) -> None:
    document = builder.check(builder.draft_of(procedure).document)
    values = [value for value, _label in dedupe_choices(document)]
    assert values == ["", DEDUPE_APPLICANT, "household_ref"]


def test_set_per_question_then_per_applicant_then_none(admin_client, procedure) -> None:
    page = admin_client.get(reverse("procedures:builder_form", args=[procedure.slug]))
    assert 'value="household_ref"' in page.content.decode()
    assert _settings(admin_client, procedure, "household_ref").status_code == 302
    assert FormDraft.objects.get(procedure=procedure).document["dedupe"] == {
        "question": "household_ref"
    }
    page = admin_client.get(reverse("procedures:builder_form", args=[procedure.slug]))
    assert 'value="household_ref" selected' in page.content.decode()
    assert _settings(admin_client, procedure, DEDUPE_APPLICANT).status_code == 302
    assert FormDraft.objects.get(procedure=procedure).document["dedupe"] == {}
    assert _settings(admin_client, procedure, "").status_code == 302
    assert "dedupe" not in FormDraft.objects.get(procedure=procedure).document
    # Published, the rule holds: the version keeps it.
    _settings(admin_client, procedure, "household_ref")
    draft = builder.draft_of(procedure)
    version = builder.publish(procedure, draft, draft.revision, actor=admin_client.user)
    assert version.form().dedupe.question == "household_ref"


@pytest.mark.parametrize("value", ["memo", "born", "nope", "<script>"])
def test_a_question_that_cannot_key_is_refused(admin_client, procedure, value) -> None:
    before = FormDraft.objects.get(procedure=procedure).revision
    response = _settings(admin_client, procedure, value)
    assert response.status_code == 400
    assert "選べるのは一覧にある項目だけです。" in response.content.decode()
    assert FormDraft.objects.get(procedure=procedure).revision == before


def test_the_service_refuses_a_bad_key_question(admin_client, procedure) -> None:
    draft = builder.draft_of(procedure)
    with pytest.raises(builder.InvalidDocument) as refused:
        builder.update_settings(
            draft,
            draft.revision,
            title=T("給付金"),
            declaration=None,
            dedupe={"question": "memo"},
            actor=admin_client.user,
        )
    assert {p.code for p in refused.value.problems} == {"form.dedupe_question"}


def test_leaving_dedupe_out_keeps_the_rule(admin_client, procedure) -> None:
    draft = builder.draft_of(procedure)
    draft = builder.update_settings(
        draft, draft.revision, title=T("給付金"), declaration=None, dedupe={}, actor=None
    )
    draft = builder.update_settings(
        draft, draft.revision, title=T("給付金２"), declaration=None, actor=None
    )
    assert draft.document["dedupe"] == {}


def test_form_without_document_offers_the_fixed_choices() -> None:
    form = SettingsForm({"revision": 1, "title_ja": "x", "dedupe": DEDUPE_APPLICANT})
    assert form.is_valid(), form.errors
    assert form.dedupe_rule() == {}
