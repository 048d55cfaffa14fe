"""The form builder's write path: edits checked by the schema, revisions, publish, import."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.procedures.demo_forms import FORMS
from jichitai.procedures.formdoc import schema
from jichitai.procedures.models import FormDraft, FormVersion, Procedure
from jichitai.procedures.services import builder, intake


def T(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en}


@pytest.fixture
def admin(make_staff):
    return make_staff("department_admin")


@pytest.fixture
def procedure(departments, admin) -> Procedure:
    return builder.create_procedure(
        actor=admin,
        slug="inu-test",
        department=departments["koseki"],
        title_ja="犬の登録",
        summary_ja="犬を飼い始めたとき",
        channel="online",
        identity_level="account",
    )


def build_small_form(draft: FormDraft, actor) -> FormDraft:
    draft = builder.add_question(
        draft,
        draft.revision,
        "page1",
        {"id": "has_dog", "type": "yes_no", "label": T("犬を飼っていますか")},
        actor=actor,
    )
    draft = builder.add_page(
        draft,
        draft.revision,
        {
            "id": "sorry",
            "title": T("申請できません"),
            "exit_message": T("犬がいないと登録できません"),
        },
        actor=actor,
    )
    draft = builder.add_condition(draft, draft.revision, "sorry", "has_dog", ["no"], actor=actor)
    draft = builder.add_page(draft, draft.revision, {"id": "dog", "title": T("犬")}, actor=actor)
    return builder.add_question(
        draft,
        draft.revision,
        "dog",
        {"id": "dog_name", "type": "short_text", "label": T("犬の名前"), "max_length": 20},
        actor=actor,
    )


def test_a_new_procedure_starts_with_an_unlisted_empty_draft(procedure) -> None:
    draft = FormDraft.objects.get(procedure=procedure)
    assert not procedure.is_published and procedure.live_form is None
    assert draft.revision == 1 and draft.document["pages"][0]["id"] == "page1"
    # An unfinished draft is kept, but it cannot be published yet.
    with pytest.raises(builder.InvalidDocument) as refused:
        builder.check(draft.document, draft=False)
    assert {p.code for p in refused.value.problems} >= {"form.page_empty"}


def test_build_publish_and_apply_keeps_versions(procedure, admin, make_user) -> None:
    draft = build_small_form(builder.draft_of(procedure), admin)
    assert draft.revision == 6 and draft.updated_by == admin
    version = builder.publish(procedure, draft, draft.revision, actor=admin)
    procedure.refresh_from_db()
    assert procedure.is_published and procedure.live_form == version and version.number == 1
    document = version.form()
    assert [page.id for page in document.pages] == ["page1", "sorry", "dog"]
    assert document.pages[1].show_if[0].values == ["no"]
    # A resident's draft started on version 1 stays there when version 2 is published.
    resident = make_user("resident")
    resident_draft = intake.draft_for(resident, procedure)
    draft = builder.update_settings(
        draft,
        draft.revision,
        title=T("犬の登録（改）"),
        declaration=T("正しく申告します"),
        actor=admin,
    )
    second = builder.publish(procedure, draft, draft.revision, actor=admin)
    assert second.number == 2
    resident_draft.refresh_from_db()
    assert resident_draft.form_version == version
    assert FormVersion.objects.get(pk=version.pk).document == version.document
    assert AuditEvent.objects.filter(action="form.publish").count() == 2


def test_each_edit_is_checked_and_nothing_changes_when_it_is_wrong(procedure, admin) -> None:
    draft = builder.draft_of(procedure)
    with pytest.raises(builder.InvalidDocument) as refused:
        builder.add_question(
            draft,
            draft.revision,
            "page1",
            {"id": "kind", "type": "single_choice", "label": T("種類"), "options": []},
            actor=admin,
        )
    assert refused.value.problems[0].code == "form.options_too_few"
    assert refused.value.problems[0].message == "選択肢は2つ以上必要です。"
    draft.refresh_from_db()
    assert draft.revision == 1 and "questions" not in draft.document["pages"][0]


def test_an_impossible_date_limit_is_refused_not_a_crash(procedure, admin) -> None:
    draft = builder.draft_of(procedure)
    question = {"id": "born", "type": "date", "label": T("生年月日"), "min_date": "2026-02-30"}
    with pytest.raises(builder.InvalidDocument) as refused:
        builder.add_question(draft, draft.revision, "page1", question, actor=admin)
    problem = refused.value.problems[0]
    assert problem.code == "form.date_invalid" and problem.field == "min_date"
    assert "2026-02-30" in problem.message
    with pytest.raises(Exception, match="not a date"):
        schema.Question.model_validate(question)


def test_a_condition_on_a_later_question_and_a_move_that_breaks_one_are_refused(
    procedure, admin
) -> None:
    draft = build_small_form(builder.draft_of(procedure), admin)
    with pytest.raises(builder.InvalidDocument) as refused:
        builder.add_condition(draft, draft.revision, "page1", "dog_name", ["x"], actor=admin)
    assert refused.value.problems[0].code == "form.condition_forward"
    with pytest.raises(builder.InvalidDocument):
        builder.move_page(draft, draft.revision, "sorry", "up", actor=admin)
    with pytest.raises(DomainError) as edge:
        builder.move_page(draft, draft.revision, "page1", "up", actor=admin)
    assert edge.value.code == "builder.cannot_move"
    draft = builder.remove_condition(draft, draft.revision, "sorry", 0, actor=admin)
    draft = builder.move_page(draft, draft.revision, "sorry", "up", actor=admin)
    assert [p["id"] for p in draft.document["pages"]] == ["sorry", "page1", "dog"]


def test_two_admins_editing_at_once_do_not_overwrite_each_other(
    procedure, admin, make_staff
) -> None:
    other = make_staff("department_admin")
    mine = builder.draft_of(procedure)
    theirs = FormDraft.objects.get(pk=mine.pk)
    builder.add_page(mine, mine.revision, {"id": "a", "title": T("A")}, actor=admin)
    with pytest.raises(DomainError) as conflict:
        builder.add_page(theirs, theirs.revision, {"id": "b", "title": T("B")}, actor=other)
    assert conflict.value.code == "builder.conflict"
    # Even when the stale copy thinks it is current, the database refuses the write.
    theirs.revision = 2
    stale_copy = FormDraft.objects.get(pk=mine.pk)
    builder.add_page(stale_copy, 2, {"id": "c", "title": T("C")}, actor=admin)
    with pytest.raises(DomainError, match="ほかの職員"):
        builder.add_page(theirs, 2, {"id": "b", "title": T("B")}, actor=other)
    ids = [p["id"] for p in FormDraft.objects.get(pk=mine.pk).document["pages"]]
    assert ids == ["page1", "a", "c"]


def test_groups_hold_their_own_questions(procedure, admin) -> None:
    draft = builder.draft_of(procedure)
    group = {
        "id": "members",
        "type": "group",
        "label": T("世帯員"),
        "max_items": 5,
        "questions": [{"id": "member_name", "type": "short_text", "label": T("氏名")}],
    }
    draft = builder.add_question(draft, draft.revision, "page1", group, actor=admin)
    draft = builder.add_question(
        draft,
        draft.revision,
        "page1",
        {"id": "relation", "type": "short_text", "label": T("続柄")},
        group_id="members",
        actor=admin,
    )
    with pytest.raises(builder.InvalidDocument):
        builder.add_question(
            draft,
            draft.revision,
            "page1",
            {"id": "doc", "type": "file", "label": T("書類")},
            group_id="members",
            actor=admin,
        )
    # Editing the group's own settings keeps its questions.
    draft = builder.update_question(
        draft,
        draft.revision,
        "page1",
        "members",
        {**group, "questions": [], "max_items": 8},
        actor=admin,
    )
    saved = draft.document["pages"][0]["questions"][0]
    assert saved["max_items"] == 8
    assert [q["id"] for q in saved["questions"]] == ["member_name", "relation"]


def test_unpublish_closes_intake_and_keeps_resident_drafts(procedure, admin, make_user) -> None:
    draft = build_small_form(builder.draft_of(procedure), admin)
    builder.publish(procedure, draft, draft.revision, actor=admin)
    resident = make_user("resident")
    intake.draft_for(resident, procedure)
    builder.unpublish(procedure, actor=admin)
    procedure.refresh_from_db()
    assert procedure.live_form is None
    with pytest.raises(DomainError) as closed:
        intake.draft_for(resident, procedure)
    assert closed.value.code == "application.not_online"
    assert AuditEvent.objects.filter(action="form.unpublish").count() == 1
    with pytest.raises(DomainError):
        builder.unpublish(procedure, actor=admin)


def test_import_and_export_round_trip(procedure, admin) -> None:
    draft = builder.draft_of(procedure)
    raw = json.dumps(FORMS["inu-toroku"], ensure_ascii=False).encode()
    draft = builder.import_document(procedure, draft, draft.revision, raw, actor=admin)
    assert AuditEvent.objects.filter(action="form.import").count() == 1
    exported = builder.export_document(draft)
    assert schema.parse(json.loads(exported)) == schema.parse(FORMS["inu-toroku"])


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{not json", "builder.import_not_json"),
        (b'{"title": NaN}', "builder.import_not_json"),
        (b'{"a": 1, "a": 2}', "builder.import_not_json"),
        (b"[" * 150_000 + b"]" * 150_000, "builder.import_too_large"),
        (b"[" * 50_000 + b"]" * 50_000, "builder.import_not_json"),
        (b"\xff\xfe\x00", "builder.import_encoding"),
        (b"[1, 2]", "builder.import_not_object"),
        (b'{"title": {"ja": "x"}, "pages": [], "__class__": "x"}', "builder.invalid"),
        (
            b'{"title": {"ja": "<script>"}, "pages": [{"id": "check", "title": {"ja": "x"}}]}',
            "builder.invalid",
        ),
    ],
)
def test_hostile_imports_change_nothing(procedure, admin, raw, code) -> None:
    draft = builder.draft_of(procedure)
    before = dict(draft.document)
    with pytest.raises(DomainError) as refused:
        builder.import_document(procedure, draft, draft.revision, raw, actor=admin)
    assert refused.value.code == code
    draft.refresh_from_db()
    assert draft.document == before and draft.revision == 1
    assert not AuditEvent.objects.filter(action="form.import").exists()


def test_publishing_an_unfinished_draft_is_refused(procedure, admin) -> None:
    draft = builder.draft_of(procedure)
    with pytest.raises(builder.InvalidDocument):
        builder.publish(procedure, draft, draft.revision, actor=admin)
    procedure.refresh_from_db()
    assert procedure.live_form is None and not FormVersion.objects.exists()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["title", "pages", "id", "questions", "type", "label", "ja", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=30,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_any_json_is_imported_or_refused_with_a_domain_error(procedure, admin, value) -> None:
    draft = builder.draft_of(procedure)
    try:
        builder.import_document(procedure, draft, draft.revision, json.dumps(value), actor=admin)
    except DomainError as refused:
        assert refused.code.startswith("builder.")


def test_problems_say_where_in_japanese() -> None:
    from jichitai.procedures.formdoc.messages import where

    loc = ("pages", 1, "questions", 0, "questions", 2, "label", "ja")
    assert where(loc) == "ページ2 › 質問1 › 質問3 › 質問文 › 日本語"
