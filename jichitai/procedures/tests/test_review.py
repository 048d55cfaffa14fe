"""Back-office decisions: who may move an application where, and what the applicant sees."""

import pytest

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.procedures.models import ApplicationEvent
from jichitai.procedures.services import review

pytestmark = pytest.mark.django_db


def _verified(user):
    user.is_verified = lambda: True
    return user


def test_clerk_reviews_and_requests_a_correction_the_approver_decides(
    application, make_staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    clerk = _verified(make_staff("clerk", department="koseki"))
    approver = _verified(make_staff("approver", department="koseki"))
    assert review.allowed_moves(clerk, application) == ["under_review"]
    review.move(clerk, application, "under_review")
    with pytest.raises(DomainError) as error:
        review.move(clerk, application, "approved")
    assert error.value.code == "application.transition"
    with pytest.raises(DomainError) as error:
        review.move(clerk, application, "correction_requested")
    assert error.value.code == "application.message_required"
    with pytest.raises(DomainError) as error:
        review.move(clerk, application, "correction_requested", message="a\x00b")
    assert error.value.code == "application.message_invalid_characters"
    with django_capture_on_commit_callbacks(execute=True):
        review.move(
            clerk,
            application,
            "correction_requested",
            message="口座名義の確認書類を追加してください。",
        )
    application.refresh_from_db()
    assert application.status == "correction_requested"
    assert "口座名義の確認書類" in mailoutbox[-1].body and mailoutbox[-1].to == [
        application.applicant.email
    ]
    application.status = (
        "under_review"  # the resident's answer to the correction comes in a later step
    )
    application.save()
    with django_capture_on_commit_callbacks(execute=True):
        review.move(approver, application, "approved")
    review.move(clerk, application, "completed")
    steps = list(ApplicationEvent.objects.values_list("to_status", flat=True))
    assert steps == ["under_review", "correction_requested", "approved", "completed"]
    assert AuditEvent.objects.filter(action="application.move", outcome="denied").count() == 1


@pytest.mark.parametrize("forged", ["\x00", "x" * 20_000, "approved\x00"])
def test_a_forged_status_is_refused_and_audited_without_what_it_sent(
    application, make_staff, forged
) -> None:
    clerk = _verified(make_staff("clerk", department="koseki"))
    with pytest.raises(DomainError) as error:
        review.move(clerk, application, forged)
    assert error.value.code == "application.transition"
    denied = AuditEvent.objects.get(action="application.move", outcome="denied")
    assert denied.detail["to"] == "?"


def test_staff_of_another_department_cannot_move_it(application, make_staff) -> None:
    other = _verified(make_staff("approver", department="kazei"))
    with pytest.raises(DomainError) as error:
        review.move(other, application, "under_review")
    assert error.value.code == "application.not_found"
    application.refresh_from_db()
    assert application.status == "received"


def test_buttons_on_the_page_and_the_resident_sees_the_message(
    client, application, make_staff, signed_in
) -> None:
    clerk = make_staff("clerk", department="koseki")
    signed_in(client, clerk)
    url = f"/staff/applications/{application.receipt_number}/"
    assert 'value="under_review"' in client.get(url).content.decode()
    assert client.post(url + "move/", {"to_status": "under_review"})["Location"] == url
    client.post(
        url + "move/", {"to_status": "correction_requested", "message": "写真が不鮮明です。"}
    )
    refused = client.post(url + "move/", {"to_status": "approved"}, follow=True)
    assert "その操作はできません" in refused.content.decode()
    assert client.get(url + "move/").status_code == 405
    signed_in(client, application.applicant)
    page = client.get(f"/applications/{application.receipt_number}/").content.decode()
    assert "写真が不鮮明です。" in page and "補正依頼" in page


def _request_correction(application, make_staff):
    clerk = _verified(make_staff("clerk", department="koseki"))
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="通帳の写しを送ってください。")
    application.refresh_from_db()
    return clerk


def test_the_resident_answers_a_correction_and_the_clock_pauses(
    client, application, make_staff, signed_in
) -> None:
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from jichitai.core.japanese.calendar import business_days_between
    from jichitai.procedures.models import Attachment

    _request_correction(application, make_staff)
    due_before = application.due_date
    # The request was made 3 business days ago (Mon → Thu).
    ApplicationEvent.objects.filter(to_status="correction_requested").update(
        occurred_at=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)  # 勤労感謝の日: closed
    )
    signed_in(client, application.applicant)
    url = f"/applications/{application.receipt_number}/"
    assert "補正への回答" in client.get(url).content.decode()
    empty = client.post(url + "correction/", {"message": " "}, follow=True)
    assert "直した内容を入力する" in empty.content.decode()
    bad = client.post(
        url + "correction/",
        {"message": "x", "upload": SimpleUploadedFile("a.pdf", b"<svg/>")},
        follow=True,
    )
    assert "PDF、JPEG、PNG" in bad.content.decode()
    application.refresh_from_db()
    assert application.status == "correction_requested"
    client.post(
        url + "correction/",
        {"message": "送ります。", "upload": SimpleUploadedFile("通帳.pdf", b"%PDF-1.4 x")},
    )
    application.refresh_from_db()
    assert application.status == "under_review"
    assert Attachment.objects.filter(application=application, original_name="通帳.pdf").exists()
    paused = business_days_between(dt.date(2026, 11, 23), timezone.localdate())
    assert business_days_between(due_before, application.due_date) == paused


def test_a_resident_withdraws_before_the_decision(
    client, application, make_staff, signed_in
) -> None:
    signed_in(client, application.applicant)
    url = f"/applications/{application.receipt_number}/withdraw/"
    assert "取り下げますか" in client.get(url).content.decode()
    client.post(url)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert AuditEvent.objects.filter(action="application.withdraw").exists()
    client.post(url)  # a second time changes nothing
    assert ApplicationEvent.objects.filter(to_status="withdrawn").count() == 1


def test_nobody_else_can_answer_or_withdraw(
    client, application, make_user, make_staff, signed_in
) -> None:
    _request_correction(application, make_staff)
    signed_in(client, make_user("resident"))
    base = f"/applications/{application.receipt_number}/"
    assert client.post(base + "correction/", {"message": "乗っ取り"}).status_code == 404
    assert client.post(base + "withdraw/").status_code == 404
    application.refresh_from_db()
    assert application.status == "correction_requested"
