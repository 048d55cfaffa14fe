"""Answering a correction request (補正) by changing answers: the service, the pages, and who
may use them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import translation

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.procedures.models import Application, Attachment, CorrectionDraft
from jichitai.procedures.services import corrections, intake, resident_actions, review

pytestmark = pytest.mark.django_db

FORM = {
    "title": {"ja": "給付金"},
    "dedupe": {"question": "household"},
    "pages": [
        {
            "id": "who",
            "title": {"ja": "世帯"},
            "questions": [
                {"id": "household", "type": "short_text", "label": {"ja": "世帯番号"}},
                {
                    "id": "has_pet",
                    "type": "yes_no",
                    "label": {"ja": "ペットがいますか"},
                },
            ],
        },
        {
            "id": "pet",
            "title": {"ja": "ペット"},
            "show_if": [{"question": "has_pet", "values": ["yes"]}],
            "questions": [{"id": "pet_name", "type": "short_text", "label": {"ja": "名前"}}],
        },
        {
            "id": "bank",
            "title": {"ja": "口座"},
            "questions": [
                {"id": "account", "type": "short_text", "label": {"ja": "口座番号"}},
                {
                    "id": "passbook",
                    "type": "file",
                    "label": {"ja": "通帳の写し"},
                    "required": False,
                },
            ],
        },
    ],
}


def _data(**values: str) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data[key] = value
    return data


def _pdf(name: str = "passbook.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode())


@pytest.fixture
def procedure(catalogue):
    procedure = catalogue["jido"]  # owned by 戸籍住民課 (koseki)
    procedure.identity_level = "account"
    procedure.standard_processing_days = 10
    procedure.save()
    intake.publish_form(procedure, FORM)
    procedure.refresh_from_db()
    return procedure


def _apply(resident, procedure, household="H-1", account="1234567") -> Application:
    draft = intake.draft_for(resident, procedure)
    assert intake.save_page(draft, "who", _data(household=household, has_pet="no"), {}).valid
    assert intake.save_page(draft, "bank", _data(account=account), {}).valid
    return intake.submit(resident, procedure, draft.submission_token)


@pytest.fixture
def clerk(make_staff):
    user = make_staff("clerk", department="koseki")
    user.is_verified = lambda: True  # signed in with the second factor, as in test_review
    return user


@pytest.fixture
def pending(procedure, make_user, clerk) -> Application:
    """An application whose clerk asked to correct the bank page."""
    application = _apply(make_user("resident"), procedure)
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="口座番号を", pages=["bank"])
    application.refresh_from_db()
    return application


# The service


def test_request_names_pages_and_refuses_unknown(procedure, make_user, clerk) -> None:
    application = _apply(make_user("resident"), procedure)
    review.move(clerk, application, "under_review")
    with pytest.raises(DomainError) as refused:
        review.move(clerk, application, "correction_requested", message="x", pages=["nope"])
    assert refused.value.code == "correction.unknown_page"
    application.refresh_from_db()
    assert application.status == "under_review"
    review.move(clerk, application, "correction_requested", message="x", pages=["bank", "bank"])
    assert _requested_pages(application) == ["bank"]
    document = application.form_version.form()
    assert corrections.requested_page_ids(document, application) == ["bank"]


def test_no_pages_named_means_every_page(procedure, make_user, clerk) -> None:
    application = _apply(make_user("resident"), procedure)
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="x")
    document = application.form_version.form()
    assert corrections.requested_page_ids(document, application) == ["who", "pet", "bank"]


def test_changed_answers_replace_old_ones_kept_in_history(pending) -> None:
    resident = pending.applicant
    old_due = pending.due_date
    result = corrections.save_correction_page(
        resident, pending, "bank", _data(account="7654321"), {"passbook": _pdf()}
    )
    assert result.valid, result.errors
    pending.refresh_from_db()
    assert pending.answers["account"] == "1234567"  # nothing changes before it is sent
    resident_actions.answer_correction(resident, pending, message="")
    pending.refresh_from_db()
    assert pending.status == "under_review"
    assert pending.answers["account"] == "7654321"
    assert pending.answers["passbook"]["name"] == "passbook.pdf"
    assert "7654321" in pending.search_text and "1234567" not in pending.search_text
    assert pending.due_date >= old_due
    event = pending.events.last()
    assert event.changes["account"] == {"old": "1234567", "new": "7654321"}
    assert event.changes["passbook"]["old"] is None
    assert Attachment.objects.get(pk=pending.answers["passbook"]["attachment"]).application == (
        pending
    )
    assert not CorrectionDraft.objects.exists()
    audit = AuditEvent.objects.filter(action="application.correction_answered").get()
    assert audit.detail["changed"] == ["account", "passbook"]


def test_only_requested_pages_can_be_changed(pending) -> None:
    with pytest.raises(DomainError) as refused:
        corrections.save_correction_page(
            pending.applicant, pending, "who", _data(household="H-9", has_pet="no"), {}
        )
    assert refused.value.code == "correction.page_not_available"


def test_bad_answer_is_refused_and_nothing_kept(pending) -> None:
    result = corrections.save_correction_page(pending.applicant, pending, "bank", _data(), {})
    assert not result.valid and "account" in result.errors
    assert CorrectionDraft.objects.get().answers["account"] == "1234567"


def test_new_page_shown_by_a_changed_answer_must_be_answered(procedure, make_user, clerk) -> None:
    application = _apply(make_user("resident"), procedure)
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="x", pages=["who"])
    application.refresh_from_db()
    resident = application.applicant
    assert corrections.save_correction_page(
        resident, application, "who", _data(household="H-1", has_pet="yes"), {}
    ).valid
    with pytest.raises(DomainError) as refused:
        resident_actions.answer_correction(resident, application, message="a\x00b")
    assert refused.value.code == "correction.invalid_characters"
    with pytest.raises(DomainError) as refused:
        resident_actions.answer_correction(resident, application, message="")
    assert refused.value.code == "correction.incomplete"
    assert refused.value.field == "pet_name"
    # The page it brought in is open to them, though the clerk did not name it.
    assert corrections.save_correction_page(
        resident, application, "pet", _data(pet_name="ポチ"), {}
    ).valid
    resident_actions.answer_correction(resident, application, message="")
    application.refresh_from_db()
    assert application.answers["pet_name"] == "ポチ"


def test_changing_the_unit_to_one_that_applied_is_refused(procedure, make_user, clerk) -> None:
    _apply(make_user("resident"), procedure, household="H-2")
    application = _apply(make_user("resident"), procedure, household="H-3")
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="x")
    application.refresh_from_db()
    resident = application.applicant
    assert corrections.save_correction_page(
        resident, application, "who", _data(household="h2", has_pet="no"), {}
    ).valid
    with pytest.raises(DomainError) as refused:
        resident_actions.answer_correction(resident, application, message="")
    assert refused.value.code == "application.duplicate"
    application.refresh_from_db()
    assert application.status == "correction_requested"
    assert application.answers["household"] == "H-3"


def test_only_the_owner_while_pending(pending, make_user, procedure) -> None:
    with pytest.raises(DomainError) as refused:
        corrections.correction_draft_for(make_user("resident"), pending)
    assert refused.value.code == "application.not_found"
    received = _apply(make_user("resident"), procedure, household="H-7")
    with pytest.raises(DomainError) as refused:
        corrections.correction_draft_for(received.applicant, received)
    assert refused.value.code == "correction.not_requested"


def test_message_only_still_works_and_nothing_at_all_is_refused(pending) -> None:
    with pytest.raises(DomainError) as refused:
        resident_actions.answer_correction(pending.applicant, pending, message=" ")
    assert refused.value.code == "correction.empty"
    resident_actions.answer_correction(pending.applicant, pending, message="確認しました")
    pending.refresh_from_db()
    assert pending.status == "under_review"
    assert pending.events.last().changes == {}


# The pages


def test_resident_changes_an_answer_through_the_pages(client, signed_in, pending) -> None:
    signed_in(client, pending.applicant)
    receipt = pending.receipt_number
    detail = client.get(f"/applications/{receipt}/")
    assert f"/applications/{receipt}/correction/check/" in detail.content.decode()
    assert "口座" in detail.content.decode()
    check = client.get(f"/applications/{receipt}/correction/check/")
    assert check.status_code == 200
    assert f"/applications/{receipt}/correction/pages/bank/" in check.content.decode()
    assert "/correction/pages/who/" not in check.content.decode()
    page = client.get(f"/applications/{receipt}/correction/pages/bank/")
    assert page.status_code == 200 and 'value="1234567"' in page.content.decode()
    bad = client.post(f"/applications/{receipt}/correction/pages/bank/", {"account": ""})
    assert bad.status_code == 400
    assert "error-summary" in bad.content.decode() and 'aria-invalid="true"' in bad.content.decode()
    saved = client.post(f"/applications/{receipt}/correction/pages/bank/", {"account": "7777777"})
    assert saved.status_code == 302
    assert saved["Location"] == f"/applications/{receipt}/correction/check/"
    check = client.get(f"/applications/{receipt}/correction/check/").content.decode()
    assert "7777777" in check and "1234567" in check  # the change, before and after
    sent = client.post(f"/applications/{receipt}/correction/check/", {"message": ""})
    assert sent.status_code == 302
    pending.refresh_from_db()
    assert pending.answers["account"] == "7777777" and pending.status == "under_review"


def test_staff_see_what_changed(client, signed_in, pending, clerk) -> None:
    corrections.save_correction_page(pending.applicant, pending, "bank", _data(account="5555"), {})
    resident_actions.answer_correction(pending.applicant, pending, message="")
    signed_in(client, clerk)
    page = client.get(f"/staff/applications/{pending.receipt_number}/").content.decode()
    assert "補正による回答の変更" in page
    assert "1234567" in page and "5555" in page


def test_staff_request_form_names_pages(client, signed_in, procedure, make_user, clerk) -> None:
    application = _apply(make_user("resident"), procedure)
    review.move(clerk, application, "under_review")
    signed_in(client, clerk)
    url = f"/staff/applications/{application.receipt_number}/"
    assert 'name="pages" value="bank"' in client.get(url).content.decode()
    client.post(
        url + "move/", {"to_status": "correction_requested", "message": "口座", "pages": ["bank"]}
    )
    assert _requested_pages(application) == ["bank"]


def test_empty_correction_shows_error_summary(client, signed_in, pending) -> None:
    signed_in(client, pending.applicant)
    response = client.post(f"/applications/{pending.receipt_number}/correction/check/", {})
    assert response.status_code == 400
    assert 'href="#correction-message"' in response.content.decode()


def test_discard_forgets_changes(client, signed_in, pending) -> None:
    corrections.save_correction_page(pending.applicant, pending, "bank", _data(account="5555"), {})
    signed_in(client, pending.applicant)
    response = client.post(f"/applications/{pending.receipt_number}/correction/discard/")
    assert response.status_code == 302
    assert not CorrectionDraft.objects.exists()


def test_pages_not_pending_answer_409(client, signed_in, pending) -> None:
    resident_actions.answer_correction(pending.applicant, pending, message="済み")
    signed_in(client, pending.applicant)
    for url in ("correction/check/", "correction/pages/bank/"):
        response = client.get(f"/applications/{pending.receipt_number}/{url}")
        assert response.status_code == 409
        assert "補正の依頼がありません" in response.content.decode()


def test_correction_page_in_english(client, signed_in, pending) -> None:
    signed_in(client, pending.applicant)
    try:
        response = client.get(
            f"/applications/{pending.receipt_number}/correction/check/", HTTP_ACCEPT_LANGUAGE="en"
        )
    finally:
        # The locale middleware leaves the language active in this thread; later tests in
        # the same worker expect Japanese.
        translation.deactivate()
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in page and "Answer to the correction request" in page


def test_unanswered_upload_kept_through_cleanup(pending) -> None:
    from jichitai.procedures.services.uploads import clean_up_uploads

    corrections.save_correction_page(
        pending.applicant, pending, "bank", _data(account="1"), {"passbook": _pdf()}
    )
    report = clean_up_uploads(grace=dt.timedelta(0), draft_retention=dt.timedelta(days=30))
    assert report.attachments == []


def _requested_pages(application: Application) -> list[str] | None:
    """The pages the latest correction request (補正依頼) asks to correct, if there is one."""
    request = corrections.latest_request(application)
    return request.pages if request else None
