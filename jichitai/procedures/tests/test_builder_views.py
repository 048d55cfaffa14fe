"""The form builder's pages: who may use them, errors next to fields, never a 500."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jichitai.governance.models import AuditEvent
from jichitai.procedures.demo_forms import FORMS
from jichitai.procedures.models import FormDraft, Procedure
from jichitai.procedures.services import builder


@pytest.fixture
def admin_client(client, make_staff, signed_in):
    admin = make_staff("department_admin")
    signed_in(client, admin)
    client.user = admin
    return client


@pytest.fixture
def procedure(departments, make_staff) -> Procedure:
    return builder.create_procedure(
        actor=None,
        slug="inu-test",
        department=departments["koseki"],
        title_ja="犬の登録",
        summary_ja="犬を飼い始めたとき",
        channel="online",
        identity_level="account",
    )


def url(name: str, *args: object) -> str:
    return reverse(f"procedures:builder{name}", args=args)


def revision(procedure: Procedure) -> int:
    return FormDraft.objects.get(procedure=procedure).revision


@pytest.mark.parametrize("role", ["clerk", "approver"])
def test_only_department_admins_may_build(client, make_staff, signed_in, procedure, role) -> None:
    signed_in(client, make_staff(role))
    assert client.get(url("")).status_code == 403
    assert client.get(url("_form", procedure.slug)).status_code == 403


def test_residents_and_visitors_are_kept_out(client, make_user, signed_in, procedure) -> None:
    assert client.get(url("")).status_code == 302
    signed_in(client, make_user("resident"))
    assert client.get(url("_form", procedure.slug)).status_code == 403


def test_another_departments_procedure_is_not_found(
    client, make_staff, signed_in, procedure
) -> None:
    signed_in(client, make_staff("department_admin", department="kazei"))
    assert client.get(url("")).status_code == 200
    for name, args in [
        ("_form", ()),
        ("_details", ()),
        ("_preview", ()),
        ("_export", ()),
        ("_import", ()),
        ("_page", ("page1",)),
        ("_question_add", ("page1",)),
    ]:
        assert client.get(url(name, procedure.slug, *args)).status_code == 404, name
    response = client.post(url("_publish", procedure.slug), {"revision": 1})
    assert response.status_code == 404


def test_list_shows_the_departments_procedures(admin_client, procedure, catalogue) -> None:
    response = admin_client.get(url(""))
    assert response.status_code == 200
    assert "犬の登録" in response.content.decode()
    assert "粗大ごみ" not in response.content.decode()  # owned by another department


def test_create_a_procedure(admin_client, departments) -> None:
    response = admin_client.post(
        url("_new"),
        {
            "slug": "shukai",
            "department": departments["koseki"].pk,
            "title_ja": "集会施設の利用申込み",
            "summary_ja": "区民センターの集会室を借りる",
            "fee_yen": 0,
            "channel": "online",
            "applicant": "resident",
            "identity_level": "account",
            "capacity": 30,
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2026-11-01T09:00",
        },
    )
    assert response.status_code == 400
    assert "受付終了は受付開始より後にしてください。" in response.content.decode()
    assert not Procedure.objects.filter(slug="shukai").exists()
    response = admin_client.post(
        url("_new"),
        {
            "slug": "shukai",
            "department": departments["koseki"].pk,
            "title_ja": "集会施設の利用申込み",
            "summary_ja": "区民センターの集会室を借りる",
            "fee_yen": 0,
            "channel": "online",
            "applicant": "resident",
            "identity_level": "account",
        },
    )
    assert response.status_code == 302
    assert FormDraft.objects.filter(procedure__slug="shukai").exists()


def test_cannot_create_in_another_department(admin_client, departments) -> None:
    response = admin_client.post(
        url("_new"),
        {
            "slug": "x",
            "department": departments["kazei"].pk,
            "title_ja": "x",
            "summary_ja": "x",
            "fee_yen": 0,
            "channel": "online",
            "applicant": "resident",
            "identity_level": "account",
        },
    )
    assert response.status_code == 400
    assert not Procedure.objects.filter(slug="x").exists()


def test_question_errors_are_shown_next_to_the_field_in_japanese(admin_client, procedure) -> None:
    response = admin_client.post(
        url("_question_add", procedure.slug, "page1"),
        {
            "revision": revision(procedure),
            "type": "date",
            "question_id": "born",
            "label_ja": "生年月日",
            "required": "on",
            "min_date": "2026-02-30",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_min_date_error"' in body and "2026-02-30 は存在しない日付です。" in body
    response = admin_client.post(
        url("_question_add", procedure.slug, "page1"),
        {
            "revision": revision(procedure),
            "type": "single_choice",
            "question_id": "Bad Id",
            "label_ja": "",
            "options": "only|ひとつ",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_question_id_error"' in body and 'id="id_label_ja_error"' in body
    assert revision(procedure) == 1


def test_build_a_form_through_the_pages(admin_client, procedure) -> None:
    slug = procedure.slug
    response = admin_client.post(
        url("_question_add", slug, "page1"),
        {
            "revision": revision(procedure),
            "type": "single_choice",
            "question_id": "kind",
            "label_ja": "犬の種類",
            "required": "on",
            "options": "small|小型犬|Small\nlarge|大型犬|Large",
        },
    )
    assert response.status_code == 302, response.content.decode()
    response = admin_client.post(
        url("_page_add", slug),
        {"revision": revision(procedure), "page_id": "large", "title_ja": "大型犬"},
    )
    assert response.status_code == 302
    response = admin_client.post(
        url("_condition_add", slug, "large"),
        {"revision": revision(procedure), "answer": "kind=large"},
    )
    assert response.status_code == 302
    response = admin_client.post(
        url("_question_add", slug, "large"),
        {
            "revision": revision(procedure),
            "type": "group",
            "question_id": "dogs",
            "label_ja": "犬",
            "required": "on",
            "max_items": 3,
        },
    )
    assert response.status_code == 302
    response = admin_client.post(
        url("_question_add", slug, "large") + "?group=dogs",
        {
            "revision": revision(procedure),
            "group": "dogs",
            "type": "short_text",
            "question_id": "dog_name",
            "label_ja": "名前",
            "required": "on",
        },
    )
    assert response.status_code == 302
    for name, args in [
        ("_form", ()),
        ("_page", ("large",)),
        ("_question", ("large", "dogs")),
        ("_preview", ()),
    ]:
        assert admin_client.get(url(name, slug, *args)).status_code == 200, name
    assert (
        admin_client.get(url("_question", slug, "large", "dog_name") + "?group=dogs").status_code
        == 200
    )
    response = admin_client.post(url("_publish", slug), {"revision": revision(procedure)})
    assert response.status_code == 302
    procedure.refresh_from_db()
    document = procedure.live_form.form()
    assert document.pages[1].show_if[0].question == "kind"
    assert document.pages[1].questions[0].questions[0].id == "dog_name"
    # Moving the conditional page above its question is refused with a message, not a 500.
    response = admin_client.post(
        url("_page_action", slug, "large", "up"), {"revision": revision(procedure)}, follow=True
    )
    assert "前のページの質問しか使えません" in response.content.decode()


def test_a_stale_form_reports_the_conflict(admin_client, procedure) -> None:
    response = admin_client.post(
        url("_page_add", procedure.slug),
        {"revision": revision(procedure), "page_id": "a", "title_ja": "A"},
    )
    assert response.status_code == 302
    response = admin_client.post(
        url("_page_add", procedure.slug), {"revision": 1, "page_id": "b", "title_ja": "B"}
    )
    assert response.status_code == 400
    assert "ほかの職員がこの様式を先に更新しました" in response.content.decode()


def test_preview_walks_the_draft_and_stores_nothing(admin_client, procedure) -> None:
    draft = builder.draft_of(procedure)
    builder.import_document(
        procedure,
        draft,
        draft.revision,
        json.dumps(FORMS["inu-toroku"], ensure_ascii=False),
        actor=admin_client.user,
    )
    document = builder.check(FormDraft.objects.get(procedure=procedure).document)
    first = document.pages[0]
    response = admin_client.get(url("_preview", procedure.slug))
    assert response.status_code == 200
    assert first.title.ja in response.content.decode()
    response = admin_client.post(url("_preview_page", procedure.slug, first.id), {"state": "x"})
    assert response.status_code == 400  # required answers missing, shown like to residents
    assert "error-summary" in response.content.decode()
    from jichitai.procedures.models import Application, ApplicationDraft

    assert not Application.objects.exists() and not ApplicationDraft.objects.exists()


def test_import_export_and_audit(admin_client, procedure) -> None:
    slug = procedure.slug
    upload = SimpleUploadedFile(
        "form.json", json.dumps(FORMS["inu-toroku"]).encode(), content_type="application/json"
    )
    response = admin_client.post(
        url("_import", slug), {"revision": revision(procedure), "upload": upload}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="form.import").count() == 1
    response = admin_client.get(url("_export", slug))
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-form.json"'
    assert json.loads(response.content)["title"]["ja"] == FORMS["inu-toroku"]["title"]["ja"]
    response = admin_client.post(
        url("_import", slug), {"revision": revision(procedure), "text": '{"title": {"ja": 1}}'}
    )
    assert response.status_code == 400
    assert "様式の JSON" not in response.content.decode()
    assert "文字列で指定してください。" in response.content.decode()
    big = SimpleUploadedFile("big.json", b" " * (builder.IMPORT_LIMIT_BYTES + 1))
    response = admin_client.post(
        url("_import", slug), {"revision": revision(procedure), "upload": big}
    )
    assert response.status_code == 400 and "大きすぎます" in response.content.decode()


def test_publish_and_unpublish_from_the_page(admin_client, procedure) -> None:
    draft = builder.draft_of(procedure)
    response = admin_client.post(
        url("_publish", procedure.slug), {"revision": draft.revision}, follow=True
    )
    assert "ページ1" in response.content.decode()  # what to fix first
    procedure.refresh_from_db()
    assert procedure.live_form is None
    builder.import_document(
        procedure, draft, draft.revision, json.dumps(FORMS["inu-toroku"]), actor=admin_client.user
    )
    response = admin_client.post(url("_publish", procedure.slug), {"revision": revision(procedure)})
    procedure.refresh_from_db()
    assert procedure.live_form is not None and procedure.is_published
    # The button on the form page leads to a page that says what stopping does.
    overview = admin_client.get(url("_form", procedure.slug)).content.decode()
    assert f'<a class="button button--danger" href="{url("_unpublish", procedure.slug)}">' in (
        overview
    )
    response = admin_client.get(url("_unpublish", procedure.slug))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>オンライン申請の受付を停止しますか</h1>" in page
    assert "公開中の様式（第1版）での受付を止めます。" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    procedure.refresh_from_db()
    assert procedure.live_form is not None
    # A POST without the page's confirmation (stray, or empty) changes nothing.
    for data in ({}, {"confirm": "no"}):
        response = admin_client.post(url("_unpublish", procedure.slug), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "「受付を停止する」ボタンを押してください。" in page and "<title>エラー：" in page
        procedure.refresh_from_db()
        assert procedure.live_form is not None
    assert not AuditEvent.objects.filter(action="form.unpublish").exists()
    response = admin_client.post(url("_unpublish", procedure.slug), {"confirm": "yes"})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.live_form is None
    assert AuditEvent.objects.filter(action__in=["form.publish", "form.unpublish"]).count() == 2
    # Nothing left to stop: back to the form page, saying so.
    response = admin_client.get(url("_unpublish", procedure.slug), follow=True)
    assert "この様式は公開されていません。" in response.content.decode()


def test_stopping_intake_does_what_the_confirmation_page_says(
    admin_client, procedure, make_user
) -> None:
    """Residents can no longer start or continue online; their drafts are kept and go on, on
    the version they began, once the form is published again; the form draft stays."""
    from jichitai.core.errors import DomainError
    from jichitai.procedures.models import ApplicationDraft
    from jichitai.procedures.services import intake

    draft = builder.draft_of(procedure)
    draft = builder.import_document(
        procedure, draft, draft.revision, json.dumps(FORMS["inu-toroku"]), actor=admin_client.user
    )
    first = builder.publish(procedure, draft, draft.revision, actor=admin_client.user)
    resident = make_user("resident")
    started = intake.draft_for(resident, procedure)
    page = admin_client.get(url("_unpublish", procedure.slug)).content.decode()
    assert "区民が入力途中の申請（現在 1 件）は消えません" in page
    assert "受付済みの申請（現在 0 件）には影響しません。" in page
    admin_client.post(url("_unpublish", procedure.slug), {"confirm": "yes"})
    procedure.refresh_from_db()
    detail = admin_client.get(reverse("procedures:procedure_detail", args=[procedure.slug]))
    assert "この手続きのオンライン申請の受付は準備中です。" in detail.content.decode()
    with pytest.raises(DomainError) as refused:
        intake.draft_for(resident, procedure)
    assert refused.value.code == "application.not_online"
    assert ApplicationDraft.objects.filter(pk=started.pk).exists()
    form_draft = FormDraft.objects.get(procedure=procedure)
    assert form_draft.document["title"] == FORMS["inu-toroku"]["title"]
    second = builder.publish(procedure, form_draft, form_draft.revision, actor=admin_client.user)
    assert second.number == first.number + 1
    procedure.refresh_from_db()
    resumed = intake.draft_for(resident, procedure)
    assert resumed.pk == started.pk and resumed.form_version_id == first.pk


def test_list_query_count_is_flat(admin_client, departments, django_assert_num_queries) -> None:
    def make(number: int) -> None:
        procedure = builder.create_procedure(
            actor=None,
            slug=f"p{number}",
            department=departments["koseki"],
            title_ja=f"手続き{number}",
            summary_ja="概要",
            channel="online",
        )
        draft = builder.draft_of(procedure)
        draft = builder.import_document(
            procedure, draft, draft.revision, json.dumps(FORMS["inu-toroku"]), actor=None
        )
        builder.publish(procedure, draft, draft.revision, actor=None)

    make(1)
    admin_client.get(url(""))  # warm the session and the municipality
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url("")).status_code == 200
    for number in range(2, 6):
        make(number)
    with django_assert_num_queries(len(one.captured_queries)):
        response = admin_client.get(url(""))
    assert response.content.decode().count("第1版") == 5


def test_a_stored_draft_that_breaks_the_rules_is_shown_not_a_500(admin_client, procedure) -> None:
    draft = builder.draft_of(procedure)
    draft.document["pages"][0]["questions"] = [
        {"id": "born", "type": "date", "label": {"ja": "生年月日"}, "min_date": "2026-02-30"}
    ]
    draft.save()
    for name, args in [("_form", ()), ("_page", ("page1",)), ("_preview", ())]:
        response = admin_client.get(url(name, procedure.slug, *args))
        assert response.status_code == 409, name
        assert "存在しない日付です" in response.content.decode()
    assert admin_client.get(url("_export", procedure.slug)).status_code == 200
    fixed = json.dumps(FORMS["inu-toroku"])
    response = admin_client.post(
        url("_import", procedure.slug), {"revision": draft.revision, "text": fixed}
    )
    assert response.status_code == 302
    assert admin_client.get(url("_form", procedure.slug)).status_code == 200


def test_edit_the_procedure_details(admin_client, procedure, departments) -> None:
    response = admin_client.get(url("_details", procedure.slug))
    assert response.status_code == 200 and 'name="slug"' not in response.content.decode()
    data = {
        "department": departments["koseki"].pk,
        "title_ja": "犬の登録（新）",
        "summary_ja": "犬を飼い始めたとき",
        "fee_yen": 3000,
        "standard_processing_days": 5,
        "channel": "online",
        "applicant": "resident",
        "identity_level": "account",
        "capacity": 100,
        "opens_at": "2026-04-01T09:00",
        "closes_at": "2027-03-31T17:00",
    }
    response = admin_client.post(url("_details", procedure.slug), data)
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.title_ja == "犬の登録（新）" and procedure.capacity == 100
    assert procedure.fee_yen == 3000 and procedure.closes_at.year == 2027
    assert AuditEvent.objects.filter(action="procedure.update").exists()
    response = admin_client.post(
        url("_details", procedure.slug), {**data, "department": departments["kazei"].pk}
    )
    assert response.status_code == 400
    procedure.refresh_from_db()
    assert procedure.department == departments["koseki"]
    # Far-off years (year 1 broke the catalogue on PostgreSQL) and control characters are
    # refused next to their field, and nothing changes.
    for change, field in [
        ({"opens_at": "0001-01-01T00:00"}, "opens_at"),
        ({"closes_at": "9999-12-31T23:59"}, "closes_at"),
        ({"title_ja": "犬\x1b[31mの登録"}, "title_ja"),
        ({"description_ja": "a\x00b"}, "description_ja"),
    ]:
        response = admin_client.post(url("_details", procedure.slug), {**data, **change})
        assert response.status_code == 400 and field in response.context["form"].errors
    procedure.refresh_from_db()
    assert procedure.title_ja == "犬の登録（新）" and procedure.opens_at.year == 2026
    # Line breaks stay fine in long texts.
    lines = {**data, "description_ja": "一行目\r\n二行目\t続き"}
    assert admin_client.post(url("_details", procedure.slug), lines).status_code == 302


def _draft_state(procedure: Procedure) -> tuple[int, object]:
    draft = FormDraft.objects.get(procedure=procedure)
    return draft.revision, draft.document


def test_an_empty_import_is_refused_next_to_the_file_field(admin_client, procedure) -> None:
    before = _draft_state(procedure)
    for data in ({}, {"revision": revision(procedure)}, {"revision": "", "text": ""}):
        response = admin_client.post(url("_import", procedure.slug), data)
        assert response.status_code == 400, data
        page = response.content.decode()
        message = "JSONファイルを選ぶか、JSONを貼り付けてください。"
        # In the summary, linked to the field, and beside the field, which points at it.
        assert f'<a href="#id_upload">JSONファイル：{message}</a>' in page
        assert '<p class="field__error" id="id_upload_error">' in page
        assert 'aria-describedby="id_upload_error"' in page
        assert page.count(message) == 2
        assert "<title>エラー：" in page
    # Without the page's revision the form says to reload it, not which hidden field failed.
    assert "画面を読み込み直してから、もう一度操作してください。" in page
    assert "Revision" not in page and 'href="#id_revision"' not in page
    assert _draft_state(procedure) == before
    assert not AuditEvent.objects.filter(action="form.import").exists()


@pytest.mark.parametrize(
    ("name", "args", "field"),
    [
        ("_new", None, "id_slug"),
        ("_details", (), "id_title_ja"),
        ("_settings", (), "id_title_ja"),
        ("_page_add", (), "new-page-page_id"),
        ("_page", ("page1",), "id_page_id"),
        ("_question_add", ("page1",), "id_question_id"),
    ],
)
def test_an_empty_submission_is_refused_not_shown_as_a_blank_form(
    admin_client, procedure, name, args, field
) -> None:
    """A POST with no fields at all (a proxy that dropped the body, a script) gets the errors
    a blank form would, never a 200 that looks as if it had been saved."""
    before = (_draft_state(procedure), list(Procedure.objects.values()))
    events = AuditEvent.objects.count()
    target = url(name) if args is None else url(name, procedure.slug, *args)
    response = admin_client.post(target)
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page
    assert f'href="#{field}"' in page and f'id="{field}_error"' in page
    assert (_draft_state(procedure), list(Procedure.objects.values())) == before
    assert AuditEvent.objects.count() == events


def _dogs_form(procedure: Procedure, actor) -> None:
    """page1 asks 犬の種類; page 大型犬 is shown for large dogs and holds a group 犬 of one
    question 名前."""
    draft = builder.draft_of(procedure)
    draft = builder.add_question(
        draft,
        draft.revision,
        "page1",
        {
            "id": "kind",
            "type": "single_choice",
            "label": {"ja": "犬の種類"},
            "options": [
                {"value": "small", "label": {"ja": "小型犬"}},
                {"value": "large", "label": {"ja": "大型犬"}},
            ],
        },
        actor=actor,
    )
    draft = builder.add_page(
        draft, draft.revision, {"id": "large", "title": {"ja": "大型犬"}}, actor=actor
    )
    draft = builder.add_condition(draft, draft.revision, "large", "kind", ["large"], actor=actor)
    draft = builder.add_question(
        draft,
        draft.revision,
        "large",
        {"id": "dogs", "type": "group", "label": {"ja": "犬"}, "max_items": 3},
        actor=actor,
    )
    builder.add_question(
        draft,
        draft.revision,
        "large",
        {"id": "dog_name", "type": "short_text", "label": {"ja": "名前"}},
        group_id="dogs",
        actor=actor,
    )


def _page_ids(procedure: Procedure) -> list[str]:
    return [page["id"] for page in FormDraft.objects.get(procedure=procedure).document["pages"]]


def test_deleting_a_page_asks_first_and_says_what_goes_with_it(admin_client, procedure) -> None:
    _dogs_form(procedure, admin_client.user)
    slug = procedure.slug
    delete_large = url("_page_action", slug, "large", "delete")
    # The control on the form page is a link to the confirmation page (safe without JS).
    overview = admin_client.get(url("_form", slug)).content.decode()
    assert f'href="{delete_large}">削除<span class="visually-hidden">：大型犬</span></a>' in (
        overview
    )
    response = admin_client.get(delete_large)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>ページ「大型犬」を削除しますか</h1>" in page
    assert "このページの質問（1件）も一緒に削除されます。" in page and "<li>犬</li>" in page
    assert "このページの表示条件（1件）も削除されます。" in page
    assert "この様式はまだ公開されていません。" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert f'<a href="{url("_form", slug)}#page-large">削除せずに戻る</a>' in page
    # A POST without the page's confirmation (the old one-click button, a stray one) changes
    # nothing.
    before = _draft_state(procedure)
    current = revision(procedure)
    for data in ({"revision": current}, {"revision": current, "confirm": "no"}, {}):
        response = admin_client.post(delete_large, data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "「削除する」ボタンを押してください。" in page and "<title>エラー：" in page
        assert _draft_state(procedure) == before
    # A page whose question another page's condition uses cannot go: the page says so and
    # offers no delete button.
    response = admin_client.get(url("_page_action", slug, "page1", "delete"))
    page = response.content.decode()
    assert "このページは削除できません。" in page
    assert "ページ「大型犬」の表示条件（「犬の種類」の回答）" in page
    assert 'name="confirm"' not in page
    response = admin_client.post(
        url("_page_action", slug, "page1", "delete"),
        {"revision": revision(procedure), "confirm": "yes"},
    )
    assert response.status_code == 302 and _draft_state(procedure) == before
    response = admin_client.post(delete_large, {"revision": revision(procedure), "confirm": "yes"})
    assert response.status_code == 302
    assert _page_ids(procedure) == ["page1"]
    # Moves stay one POST; a GET of one is not allowed.
    assert admin_client.get(url("_page_action", slug, "page1", "up")).status_code == 405


@pytest.mark.parametrize("group", ["a\x01b", "Dogs", "../x"])
def test_a_group_name_no_question_can_have_is_not_found(admin_client, procedure, group) -> None:
    _dogs_form(procedure, admin_client.user)
    before = _draft_state(procedure)
    move = url("_question_action", procedure.slug, "large", "dog_name", "up")
    response = admin_client.post(move, {"revision": revision(procedure), "group": group})
    assert response.status_code == 404 and _draft_state(procedure) == before


def test_deleting_a_question_asks_first(admin_client, procedure) -> None:
    _dogs_form(procedure, admin_client.user)
    slug = procedure.slug
    draft = builder.draft_of(procedure)
    builder.publish(procedure, draft, draft.revision, actor=admin_client.user)
    delete_kind = url("_question_action", slug, "page1", "kind", "delete")
    page_html = admin_client.get(url("_page", slug, "page1")).content.decode()
    assert f'href="{delete_kind}">削除<span class="visually-hidden">：犬の種類</span></a>' in (
        page_html
    )
    page = admin_client.get(delete_kind).content.decode()
    assert "<h1>質問「犬の種類」を削除しますか</h1>" in page
    assert "この質問は削除できません。" in page and 'name="confirm"' not in page
    # A group's question: the confirmation keeps the group, and goes back to it.
    delete_name = url("_question_action", slug, "large", "dog_name", "delete")
    response = admin_client.get(delete_name + "?group=dogs")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>質問「名前」を削除しますか</h1>" in page
    assert "公開中の様式（第1版）は、この下書きを公開するまで変わりません。" in page
    assert '<input type="hidden" name="group" value="dogs">' in page
    before = _draft_state(procedure)
    response = admin_client.post(delete_name, {"revision": revision(procedure), "group": "dogs"})
    assert response.status_code == 400 and _draft_state(procedure) == before
    response = admin_client.post(
        delete_name, {"revision": revision(procedure), "group": "dogs", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("_question", slug, "large", "dogs")
    # The group itself: its questions go with it.
    delete_group = url("_question_action", slug, "large", "dogs", "delete")
    builder.add_question(
        builder.draft_of(procedure),
        revision(procedure),
        "large",
        {"id": "dog_age", "type": "number", "label": {"ja": "年齢"}},
        group_id="dogs",
        actor=admin_client.user,
    )
    page = admin_client.get(delete_group).content.decode()
    assert "グループの中の質問（1件）も一緒に削除されます。" in page and "<li>年齢</li>" in page
    response = admin_client.post(delete_group, {"revision": revision(procedure), "confirm": "yes"})
    assert response.status_code == 302
    large = FormDraft.objects.get(procedure=procedure).document["pages"][1]
    assert large.get("questions", []) == []
    procedure.refresh_from_db()
    assert procedure.live_form.form().pages[1].questions[0].id == "dogs"  # published: unchanged


def test_removing_a_condition_asks_first_and_says_when_the_page_shows(
    admin_client, procedure
) -> None:
    _dogs_form(procedure, admin_client.user)
    slug = procedure.slug
    remove_first = url("_condition_delete", slug, "large", 0)
    # The page lists its conditions by their labels, and the control is a link to the
    # confirmation page (safe without JS) named after the condition.
    said = "「犬の種類」の回答が 大型犬 のとき"
    page_html = admin_client.get(url("_page", slug, "large")).content.decode()
    assert (
        f'href="{remove_first}">条件を削除<span class="visually-hidden">：{said}</span></a>'
        in page_html
    )
    response = admin_client.get(remove_first)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<title>表示条件を削除しますか：{said} | 犬の登録 | " in page
    assert "<h1>ページ「大型犬」の表示条件を削除しますか</h1>" in page
    assert f"削除する条件：{said}" in page
    assert "このページに条件がなくなり、前のページの回答にかかわらず、いつも表示されます。" in page
    assert "この様式はまだ公開されていません。" in page
    assert "削除を取り消す操作はありません。" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    back = url("_page", slug, "large") + "#conditions-title"
    assert f'<a href="{back}">削除せずに戻る</a>' in page
    assert admin_client.get(url("_condition_delete", slug, "large", 1)).status_code == 404
    # A POST without the page's confirmation (the old one-click button, a stray one) changes
    # nothing.
    before = _draft_state(procedure)
    current = revision(procedure)
    for data in ({"revision": current}, {"revision": current, "confirm": "no"}, {}):
        response = admin_client.post(remove_first, data)
        assert response.status_code == 400
        assert "「削除する」ボタンを押してください。" in response.content.decode()
        assert _draft_state(procedure) == before
    # With another condition left, the page says the page shows when the rest hold.
    builder.add_condition(
        builder.draft_of(procedure),
        current,
        "large",
        "kind",
        ["small", "large"],
        actor=admin_client.user,
    )
    page = admin_client.get(url("_condition_delete", slug, "large", 1)).content.decode()
    assert "削除する条件：「犬の種類」の回答が 小型犬、大型犬 のとき" in page
    assert f"残りの条件（1件）をすべて満たすときに表示されます。<ul><li>{said}</li></ul>" in page
    # A confirmation from a page shown before the draft changed is refused as a conflict.
    response = admin_client.post(remove_first, {"revision": current, "confirm": "yes"})
    assert response.status_code == 302 and len(_conditions(procedure, "large")) == 2
    response = admin_client.post(
        remove_first, {"revision": revision(procedure), "confirm": "yes"}, follow=True
    )
    assert response.redirect_chain[-1][0] == back
    assert "表示条件を削除しました。" in response.content.decode()
    assert _conditions(procedure, "large") == [{"question": "kind", "values": ["small", "large"]}]


def test_removing_an_exit_pages_last_condition_says_everyone_stops_there(
    admin_client, procedure
) -> None:
    _dogs_form(procedure, admin_client.user)
    draft = builder.add_page(
        builder.draft_of(procedure),
        revision(procedure),
        {"id": "small", "title": {"ja": "小型犬"}, "exit_message": {"ja": "窓口で登録します。"}},
        actor=admin_client.user,
    )
    builder.add_condition(
        draft, draft.revision, "small", "kind", ["small"], actor=admin_client.user
    )
    page = admin_client.get(url("_condition_delete", procedure.slug, "small", 0)).content.decode()
    assert "このページは終了ページです。" in page


def _conditions(procedure: Procedure, page_id: str) -> list[dict[str, object]]:
    document = FormDraft.objects.get(procedure=procedure).document
    return next(page for page in document["pages"] if page["id"] == page_id).get("show_if", [])
