"""Casework: assigning applications, internal notes, and bulk actions from the inbox."""

import re

import pytest

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.procedures.models import Application, ApplicationEvent, InternalNote
from jichitai.procedures.services import casework, review
from jichitai.procedures.tests.conftest import apply_with_note, open_for_notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_staff(make_staff):
    """Staff as the services see them after a sign-in with the second factor."""

    def make(*args, **kwargs):
        user = make_staff(*args, **kwargs)
        user.is_verified = lambda: True
        return user

    return make


@pytest.fixture
def koseki_procedure(catalogue):
    return open_for_notes(catalogue["jido"])


@pytest.fixture
def clerk(make_staff):
    return make_staff("clerk", department="koseki")


# Assignment (担当者)


def test_assign_to_me_a_colleague_and_nobody_is_audited(application, clerk, make_staff) -> None:
    colleague = make_staff("approver", department="koseki")
    casework.assign(clerk, application, clerk)
    application.refresh_from_db()
    assert application.assignee == clerk and application.assigned_at is not None
    casework.assign(clerk, application, colleague)
    casework.assign(clerk, application, None)
    application.refresh_from_db()
    assert application.assignee is None and application.assigned_at is None
    details = [
        event.detail
        for event in AuditEvent.objects.filter(action="application.assign").order_by("id")
    ]
    assert details == [
        {"from": None, "to": clerk.pk},
        {"from": clerk.pk, "to": colleague.pk},
        {"from": colleague.pk, "to": None},
    ]


def test_assigning_to_staff_of_another_department_is_refused(
    application, clerk, make_staff
) -> None:
    outsider = make_staff("clerk", department="kazei")
    with pytest.raises(DomainError) as refused:
        casework.assign(clerk, application, outsider)
    assert refused.value.code == "application.assignee_not_in_department"
    application.refresh_from_db()
    assert application.assignee is None
    assert AuditEvent.objects.get(action="application.assign").outcome == "denied"
    # Organisation-wide roles hold no department role, so cannot take cases either.
    with pytest.raises(DomainError):
        casework.assign(clerk, application, make_staff("system_admin"))


def test_staff_of_another_department_cannot_assign_or_note(application, make_staff) -> None:
    outsider = make_staff("clerk", department="kazei")
    for action in (
        lambda: casework.assign(outsider, application, outsider),
        lambda: casework.add_note(outsider, application, "見ました"),
    ):
        with pytest.raises(DomainError) as refused:
            action()
        assert refused.value.code == "application.not_found"
    application.refresh_from_db()
    assert application.assignee is None and not InternalNote.objects.exists()


def test_assignment_pages(client, signed_in, application, clerk, make_staff) -> None:
    colleague = make_staff("clerk", department="koseki")
    outsider = make_staff("clerk", department="kazei")
    signed_in(client, clerk)
    url = f"/staff/applications/{application.receipt_number}/"
    page = client.get(url).content.decode()
    assert "自分が担当する" in page and colleague.display_name in page
    assert outsider.display_name not in page
    assert client.post(url + "assign/", {"assignee": "me"}).status_code == 302
    application.refresh_from_db()
    assert application.assignee == clerk
    client.post(url + "assign/", {"assignee": str(outsider.pk)})
    application.refresh_from_db()
    assert application.assignee == clerk
    followed = client.post(url + "assign/", {"assignee": "x"}, follow=True)
    assert "その職員は見つかりません。" in followed.content.decode()
    client.post(url + "assign/", {"assignee": str(colleague.pk)})
    application.refresh_from_db()
    assert application.assignee == colleague
    assert colleague.display_name in client.get(url).content.decode()


# Internal notes (内部メモ)


def test_notes_are_shown_to_staff_and_audited(client, signed_in, application, clerk) -> None:
    signed_in(client, clerk)
    url = f"/staff/applications/{application.receipt_number}/"
    response = client.post(url + "notes/", {"body": "  電話で確認済み。書類は後日。  "})
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    note = InternalNote.objects.get()
    assert note.body == "電話で確認済み。書類は後日。" and note.author == clerk
    assert "電話で確認済み。書類は後日。" in client.get(url).content.decode()
    event = AuditEvent.objects.get(action="application.note_add")
    assert event.detail == {"note": note.pk} and event.subject_id == application.applicant_id
    assert "電話で確認済み" not in str(event.detail)


def test_bad_notes_are_refused_with_nothing_stored(client, signed_in, application, clerk) -> None:
    signed_in(client, clerk)
    url = f"/staff/applications/{application.receipt_number}/notes/"
    assert (
        "メモを入力してください。" in client.post(url, {"body": "  "}, follow=True).content.decode()
    )
    long = client.post(url, {"body": "あ" * 2001}, follow=True).content.decode()
    assert "メモは2000文字以内で入力してください。" in long
    nul = client.post(url, {"body": "a\x00b"}, follow=True).content.decode()
    assert "使えない文字が含まれています。" in nul
    assert not InternalNote.objects.exists()


def test_a_refused_note_is_said_beside_the_field_with_the_text_kept(
    client, signed_in, application, clerk
) -> None:
    """Browsers stop an empty note (required); a client that does not, or a note that is too
    long, gets the page again with the refusal beside the field and linked to it."""
    signed_in(client, clerk)
    url = f"/staff/applications/{application.receipt_number}/notes/"
    for body, message in [(" \u3000 ", "メモを入力してください。"), ("あ" * 2001, "2000文字以内")]:
        response = client.post(url, {"body": body})
        assert response.status_code == 400
        page = response.content.decode()
        assert "<title>エラー：" in page
        assert (
            '<p class="field__error" id="note-body_error">'
            '<span class="visually-hidden">エラー：</span>'
        ) in page
        assert message in page.split('id="note-body_error">', 1)[1].split("</p>", 1)[0]
        textarea = re.search(r'<textarea id="note-body"[^>]*>', page)
        assert textarea is not None
        assert " required" in textarea.group(0) and 'aria-invalid="true"' in textarea.group(0)
        assert 'aria-describedby="note-body_error"' in textarea.group(0)
        assert f'action="{url}#notes"' in page
        assert f">{body}</textarea>" in page
    assert not InternalNote.objects.exists()
    assert not AuditEvent.objects.filter(action="application.note_add").exists()


def test_a_decision_without_its_message_is_said_beside_the_field(
    client, signed_in, application, make_staff
) -> None:
    approver = make_staff("approver", department="koseki")
    review.move(approver, application, "under_review")
    signed_in(client, approver)
    events = ApplicationEvent.objects.count()
    response = client.post(
        f"/staff/applications/{application.receipt_number}/move/",
        {"to_status": "correction_requested", "message": "  ", "pages": ["p"]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<p class="field__error" id="move-message_error"><span class="visually-hidden">エラー：'
        "</span>申請者へのお知らせ（理由や直してほしい内容）を入力してください。</p>"
    ) in page
    assert 'aria-describedby="move-message-hint move-message_error" aria-invalid="true"' in page
    assert 'name="pages" value="p" checked' in page  # the pages chosen are kept
    assert f'action="/staff/applications/{application.receipt_number}/move/#decision"' in page
    application.refresh_from_db()
    assert application.status == "under_review"
    assert ApplicationEvent.objects.count() == events


def test_notes_are_never_shown_to_the_applicant(
    client, signed_in, application, clerk, mailoutbox
) -> None:
    casework.add_note(clerk, application, "内部だけの秘密のメモ")
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="書類を添付してください")
    signed_in(client, application.applicant)
    pages = [
        client.get(f"/applications/{application.receipt_number}/"),
        client.get("/applications/"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "内部だけの秘密のメモ" not in page.content.decode()
        assert "内部メモ" not in page.content.decode()
    assert "書類を添付してください" in pages[0].content.decode()
    api = client.get(f"/api/v1/applications/{application.receipt_number}")
    assert "内部だけの秘密のメモ" not in api.content.decode()
    assert all("内部だけの秘密のメモ" not in message.body for message in mailoutbox)


# Bulk actions (一括処理)


def test_bulk_start_review_moves_the_valid_ones_and_reports_the_rest(
    koseki_procedure, make_user, clerk
) -> None:
    first, second, third = (apply_with_note(make_user("resident"), koseki_procedure) for _ in "abc")
    review.move(clerk, second, "under_review")
    result = casework.bulk_move(
        clerk,
        [first.receipt_number, second.receipt_number.lower(), third.receipt_number, "ZZZZ"],
        "under_review",
    )
    assert result.done == [first.receipt_number, third.receipt_number]
    assert [number for number, _reason in result.refused] == ["ZZZZ", second.receipt_number]
    statuses = dict(Application.objects.values_list("receipt_number", "status"))
    assert set(statuses.values()) == {"under_review"}
    # One history entry per application moved, none for the refused one's second attempt.
    assert ApplicationEvent.objects.filter(to_status="under_review").count() == 3
    assert AuditEvent.objects.filter(action="application.move", outcome="success").count() == 3
    assert AuditEvent.objects.filter(action="application.move", outcome="denied").count() == 1


def test_bulk_actions_follow_the_single_rules(koseki_procedure, make_user, make_staff) -> None:
    application = apply_with_note(make_user("resident"), koseki_procedure)
    admin = make_staff("department_admin", department="koseki")
    # A department administrator sees the case but may not decide it, in bulk as one by one.
    result = casework.bulk_move(admin, [application.receipt_number], "under_review")
    assert result.done == [] and len(result.refused) == 1
    with pytest.raises(DomainError) as refused:
        casework.bulk_move(admin, [application.receipt_number], "approved")
    assert refused.value.code == "bulk.action"
    with pytest.raises(DomainError) as refused:
        casework.bulk_move(admin, [], "under_review")
    assert refused.value.code == "bulk.none_selected"
    with pytest.raises(DomainError) as refused:  # never a receipt number (nor a PostgreSQL value)
        casework.bulk_move(admin, ["a\x00"], "under_review")
    assert refused.value.code == "bulk.none_selected"


def test_bulk_from_the_inbox_page(
    client, signed_in, koseki_procedure, catalogue, make_user, clerk, make_staff
) -> None:
    mine = apply_with_note(make_user("resident"), koseki_procedure)
    decided = apply_with_note(make_user("resident"), koseki_procedure)
    review.move(clerk, decided, "under_review")
    other = apply_with_note(make_user("resident"), open_for_notes(catalogue["gomi"]))
    colleague = make_staff("clerk", department="koseki")
    signed_in(client, clerk)
    page = client.get("/staff/applications/").content.decode()
    assert 'name="selected"' in page and "一括処理" in page
    response = client.post(
        "/staff/applications/bulk/",
        {
            "selected": [mine.receipt_number, decided.receipt_number, other.receipt_number],
            "action": "under_review",
            "query": "status=received&evil=1",
        },
        follow=True,
    )
    assert response.redirect_chain[0][0] == "/staff/applications/?status=received"  # no evil
    text = response.content.decode()
    assert "1件を処理しました。" in text
    assert f"{decided.receipt_number} は処理できませんでした" in text
    assert f"{other.receipt_number} は処理できませんでした：申請が見つかりません。" in text
    other.refresh_from_db()
    assert other.status == "received"
    client.post(
        "/staff/applications/bulk/",
        {
            "selected": [mine.receipt_number, decided.receipt_number],
            "action": "assign",
            "assignee": str(colleague.pk),
        },
    )
    assert set(
        Application.objects.filter(assignee=colleague).values_list("receipt_number", flat=True)
    ) == {mine.receipt_number, decided.receipt_number}
    client.post(
        "/staff/applications/bulk/",
        {"selected": [mine.receipt_number], "action": "unassign"},
    )
    mine.refresh_from_db()
    assert mine.assignee is None
    bad = client.post("/staff/applications/bulk/", {"action": "burn"}, follow=True)
    assert "一括処理の内容を選んでください。" in bad.content.decode()
    # Filters longer than the inbox makes (a redirect Django refuses): the plain inbox.
    done = client.post(
        "/staff/applications/bulk/",
        {"selected": [mine.receipt_number], "action": "unassign", "query": "q=" + "x" * 20_000},
    )
    assert done.status_code == 302 and done["Location"] == "/staff/applications/"


def test_inbox_assignment_filter(client, signed_in, koseki_procedure, make_user, clerk) -> None:
    mine = apply_with_note(make_user("resident"), koseki_procedure)
    free = apply_with_note(make_user("resident"), koseki_procedure)
    casework.assign(clerk, mine, clerk)
    signed_in(client, clerk)

    def listed(**query):
        return {a.pk for a in client.get("/staff/applications/", query).context["page"]}

    assert listed(assigned="me") == {mine.pk}
    assert listed(assigned="none") == {free.pk}
    assert listed(assigned="") == {mine.pk, free.pk}


def test_the_demo_data_has_an_assigned_case_with_a_note() -> None:
    from django.core.management import call_command

    call_command("load_demo_data")
    note = InternalNote.objects.select_related("application__assignee").get()
    assert note.application.assignee is not None and note.author == note.application.assignee
