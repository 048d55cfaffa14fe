"""Mail to applicants: written with the change, sent when the mail server is back, worded per
procedure in Japanese and English, and visible in the department's delivery log only."""

from __future__ import annotations

import socket

import pytest
from django.db import transaction

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.notifications import services as outbox
from jichitai.notifications.models import OutboundEmail
from jichitai.notifications.models import OutboundEmailStatus as S
from jichitai.procedures.models import Application, NotificationTemplate
from jichitai.procedures.services import notifications, resident_actions, review
from jichitai.procedures.tests.conftest import apply_with_note, open_for_notes
from jichitai.procedures.tests.test_review import _verified

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Boom(Exception):
    pass


def test_submitting_while_the_mail_server_is_down_succeeds_and_mails_once_it_is_back(
    catalogue, make_user, smtp_inbox, settings, django_capture_on_commit_callbacks
) -> None:
    working_port, settings.EMAIL_PORT = settings.EMAIL_PORT, _closed_port()
    resident = make_user("resident")
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_with_note(resident, open_for_notes(catalogue["jido"]))
    assert Application.objects.filter(pk=application.pk, status="received").exists()
    [email] = OutboundEmail.objects.all()
    assert (email.status, email.attempts, email.reference) == (
        S.QUEUED,
        1,
        application.receipt_number,
    )
    assert email.last_error and email.claimed_at is not None
    assert email.next_attempt_at > email.claimed_at
    assert email.department_id == catalogue["jido"].department_id
    settings.EMAIL_PORT = working_port
    assert outbox.sweep(email.next_attempt_at).sent == 1
    assert outbox.sweep(email.next_attempt_at).sent == 0
    [message] = smtp_inbox.wait_for(1)
    assert application.receipt_number in message["Subject"] and message["To"] == resident.email


def test_a_submission_rolled_back_sends_nothing(
    catalogue, make_user, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    procedure = open_for_notes(catalogue["jido"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        apply_with_note(make_user("resident"), procedure)
        raise Boom
    assert not Application.objects.exists() and not OutboundEmail.objects.exists()
    assert mailoutbox == []


def test_a_procedure_words_its_own_mail_in_japanese_and_english(
    catalogue, make_user, make_staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    procedure = open_for_notes(catalogue["jido"])
    procedure.title_en = "Child allowance"
    procedure.save()
    admin = _verified(make_staff("department_admin", department="koseki"))
    notifications.save_template(
        admin,
        procedure,
        "received",
        "ja",
        subject="【児童手当】受付番号 {{ receipt_number }}",
        body="{{ name }} 様\n{{ procedure }}を受け付けました。期限：{{ due_date }}\n{{ url }}",
    )
    notifications.save_template(
        admin,
        procedure,
        "received",
        "en",
        subject="[{{ procedure }}] received: {{ receipt_number }}",
        body="Dear {{ name }}, due by {{ due_date }}.",
    )
    japanese = make_user("resident", display_name="大田 花子")
    english = make_user("resident", display_name="Hana Ota", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        first = apply_with_note(japanese, procedure)
    with django_capture_on_commit_callbacks(execute=True):
        second = apply_with_note(english, procedure)
    ja_mail, en_mail = mailoutbox
    assert ja_mail.subject == f"【児童手当】受付番号 {first.receipt_number}"
    assert ja_mail.body.startswith("大田 花子 様\n児童手当の認定請求を受け付けました。期限：")
    assert "令和" in ja_mail.body and "http://testserver/applications/" in ja_mail.body
    assert en_mail.subject == f"[Child allowance] received: {second.receipt_number}"
    assert en_mail.body.startswith("Dear Hana Ota, due by ") and "Reiwa" in en_mail.body
    assert AuditEvent.objects.filter(action="notification_template.save").count() == 2


def test_without_an_override_the_default_wording_is_used_for_each_event(
    application, make_staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    NotificationTemplate.objects.create(
        procedure=application.procedure,
        event="decided",
        language="ja",
        subject="結果：{{ status }}",
        body="{{ message|default:'なし' }}",
    )
    clerk = _verified(make_staff("clerk", "approver", department="koseki"))
    review.move(clerk, application, "under_review")
    with django_capture_on_commit_callbacks(execute=True):
        review.move(clerk, application, "correction_requested", message="書類を追加してください。")
    resident_actions.answer_correction(application.applicant, application, message="追加しました")
    with django_capture_on_commit_callbacks(execute=True):
        review.move(clerk, application, "approved")
    correction, decided = mailoutbox
    assert "補正" in correction.subject and "書類を追加してください。" in correction.body
    assert (decided.subject, decided.body) == ("結果：承認", "なし")
    assert list(OutboundEmail.objects.order_by("pk").values_list("event", flat=True)) == [
        "application.received",
        "application.correction_requested",
        "application.decided",
    ]


def test_a_broken_template_is_refused_and_nothing_is_saved(catalogue, make_staff) -> None:
    admin = _verified(make_staff("department_admin", department="koseki"))
    with pytest.raises(DomainError) as refused:
        notifications.save_template(
            admin,
            catalogue["jido"],
            "received",
            "ja",
            subject="受付 {{ receipt_number }}",
            body="{{ applicant.my_number }}",
        )
    assert refused.value.code == "notification_template.invalid"
    assert refused.value.field == "body" and "applicant.my_number" in refused.value.message
    with pytest.raises(DomainError) as refused:
        notifications.save_template(
            admin, catalogue["jido"], "received", "ja", subject="{% if %}", body="本文"
        )
    assert refused.value.field == "subject"
    clerk = _verified(make_staff("clerk", department="koseki"))
    other_admin = _verified(make_staff("department_admin", department="kazei"))
    for actor in (clerk, other_admin):
        with pytest.raises(DomainError) as refused:
            notifications.save_template(
                actor, catalogue["jido"], "received", "ja", subject="件名", body="本文"
            )
        assert refused.value.code == "notification_template.forbidden"
    assert not NotificationTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action="notification_template.save").exists()


@pytest.fixture
def two_departments_mail(catalogue, make_user, settings, django_capture_on_commit_callbacks):
    """One message about a koseki application (failed) and one about a kazei one (sent)."""
    resident = make_user("resident")
    koseki = apply_with_note(resident, open_for_notes(catalogue["jido"]))
    with django_capture_on_commit_callbacks(execute=True):
        kazei = apply_with_note(resident, open_for_notes(catalogue["gomi"]))
    failed = OutboundEmail.objects.get(reference=koseki.receipt_number)
    OutboundEmail.objects.filter(pk=failed.pk).update(
        status=S.FAILED, attempts=6, last_error="ConnectionRefusedError: [Errno 111]"
    )
    return {"koseki": failed, "kazei": OutboundEmail.objects.get(reference=kazei.receipt_number)}


def test_staff_see_only_their_departments_mail_and_the_view_is_audited(
    client, make_staff, signed_in, two_departments_mail
) -> None:
    clerk = make_staff("clerk", department="koseki")
    signed_in(client, clerk)
    page = client.get("/staff/notifications/")
    assert page.status_code == 200
    assert [e.pk for e in page.context["page"]] == [two_departments_mail["koseki"].pk]
    html = page.content.decode()
    assert "ConnectionRefusedError" in html and "送信失敗" in html
    assert two_departments_mail["kazei"].reference not in html
    event = AuditEvent.objects.get(action="personal_data.view", actor_id=clerk.pk)
    assert event.fields == ["recipient"]
    assert event.detail["ids"] == [two_departments_mail["koseki"].pk]
    assert list(client.get("/staff/notifications/?status=sent").context["page"]) == []
    refused = client.get("/staff/notifications/?status=lost")
    assert refused.status_code == 400 and list(refused.context["page"]) == []


@pytest.mark.parametrize("role", ["system_admin", "auditor"])
def test_organisation_wide_roles_see_no_mail(
    client, make_staff, signed_in, two_departments_mail, role
) -> None:
    signed_in(client, make_staff(role))
    assert list(client.get("/staff/notifications/").context["page"]) == []


def test_retry_now_sends_a_failed_message_and_only_in_ones_own_department(
    client,
    make_staff,
    signed_in,
    two_departments_mail,
    mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    mailoutbox.clear()
    signed_in(client, make_staff("clerk", department="kazei"))
    failed = two_departments_mail["koseki"]
    assert client.post(f"/staff/notifications/{failed.pk}/retry/").status_code == 404
    clerk = make_staff("clerk", department="koseki")
    signed_in(client, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/notifications/{failed.pk}/retry/", follow=True)
    assert response.status_code == 200 and "再送を受け付けました。" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == S.SENT and len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="notification.retry", actor_id=clerk.pk).exists()
    again = client.post(f"/staff/notifications/{failed.pk}/retry/", follow=True)
    assert "再送できません" in again.content.decode()


def test_a_department_admin_words_a_procedures_mail_on_the_staff_screen(
    client, make_staff, signed_in, catalogue
) -> None:
    signed_in(client, make_staff("department_admin", department="koseki"))
    index = client.get("/staff/notification-templates/")
    assert index.status_code == 200
    html = index.content.decode()
    assert "児童手当の認定請求" in html and "粗大ごみ収集の申込み" not in html  # kazei's
    url = "/staff/notification-templates/jido-teate/correction_requested/en/"
    assert client.get(url).status_code == 200
    broken = client.post(url, {"subject": "Fix {{ receipt_number }}", "body": "{% load i18n %}"})
    assert broken.status_code == 400 and "i18n" in broken.content.decode()
    assert not NotificationTemplate.objects.exists()
    saved = client.post(url, {"subject": "Fix {{ receipt_number }}", "body": "{{ message }}"})
    assert saved.status_code == 302
    template = NotificationTemplate.objects.get()
    assert (template.event, template.language, template.subject) == (
        "correction_requested",
        "en",
        "Fix {{ receipt_number }}",
    )
    assert "Fix {{ receipt_number }}" in client.get(url).content.decode()
    assert client.post(url + "reset/").status_code == 302
    assert not NotificationTemplate.objects.exists()
    assert AuditEvent.objects.filter(action="notification_template.delete").exists()
    for other in (
        "/staff/notification-templates/sodai-gomi/received/ja/",  # another department's
        "/staff/notification-templates/jido-teate/withdrawn/ja/",
        "/staff/notification-templates/jido-teate/received/fr/",
    ):
        assert client.get(other).status_code == 404


def test_clerks_cannot_word_mail(client, make_staff, signed_in, catalogue) -> None:
    signed_in(client, make_staff("clerk", department="koseki"))
    url = "/staff/notification-templates/jido-teate/received/ja/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "x", "body": "y"}).status_code == 404
    assert not NotificationTemplate.objects.exists()


def test_delivery_log_query_count_is_flat(
    client, make_staff, signed_in, catalogue, make_user, django_assert_max_num_queries
) -> None:
    signed_in(client, make_staff("clerk", department="koseki"))
    procedure = open_for_notes(catalogue["jido"])
    for _ in range(11):
        apply_with_note(make_user("resident"), procedure)
    # 13 with one row or with eleven: nothing is read per row.
    with django_assert_max_num_queries(13):
        assert len(client.get("/staff/notifications/").context["page"]) == 11


def test_the_received_mail_is_written_when_it_is_sent_with_the_status_it_had_then(
    catalogue, make_user, make_staff, client, signed_in, mailoutbox
) -> None:
    procedure = open_for_notes(catalogue["jido"])
    NotificationTemplate.objects.create(
        procedure=procedure,
        event="received",
        language="ja",
        subject="{{ receipt_number }}：{{ status }}",
        body="{{ name }} 様",
    )
    application = apply_with_note(make_user("resident", display_name="大田 花子"), procedure)
    [email] = OutboundEmail.objects.all()
    # The submission wrote only what to write: the log describes the message meanwhile.
    assert (email.composed, email.subject, email.body) == (False, "", "")
    signed_in(client, make_staff("clerk", department="koseki"))
    assert (
        "申請受付のお知らせ（送信時に作成）" in client.get("/staff/notifications/").content.decode()
    )
    clerk = _verified(make_staff("clerk", "approver", department="koseki"))
    review.move(clerk, application, "under_review")
    mailoutbox.clear()
    assert outbox.deliver(email.pk)
    [message] = mailoutbox
    assert (message.subject, message.body) == (
        f"{application.receipt_number}：受付",
        "大田 花子 様",
    )
    email.refresh_from_db()
    assert (email.subject, email.composed, email.body) == (message.subject, True, "")
    assert message.subject in client.get("/staff/notifications/").content.decode()
