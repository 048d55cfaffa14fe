"""Online intake: publishing versions, drafts page by page, idempotent submission."""

import datetime as dt
import threading

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from pydantic import ValidationError

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.procedures import receipts
from jichitai.procedures.models import Application, ApplicationDraft, Attachment
from jichitai.procedures.services import intake
from jichitai.procedures.tests.conftest import open_with_form

pytestmark = pytest.mark.django_db

DOG = {
    "title": {"ja": "犬の登録"},
    "pages": [
        {
            "id": "owner",
            "title": {"ja": "飼い主"},
            "questions": [
                {"id": "phone", "type": "phone", "label": {"ja": "電話番号"}},
            ],
        },
        {
            "id": "dog",
            "title": {"ja": "犬"},
            "questions": [
                {"id": "dog_name", "type": "short_text", "label": {"ja": "犬の名前"}},
                {
                    "id": "vaccinated",
                    "type": "yes_no",
                    "label": {"ja": "狂犬病予防注射を受けましたか"},
                },
            ],
        },
        {
            "id": "certificate",
            "title": {"ja": "注射済証"},
            "show_if": [{"question": "vaccinated", "values": ["yes"]}],
            "questions": [{"id": "certificate_file", "type": "file", "label": {"ja": "注射済証"}}],
        },
    ],
}


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data[key] = value
    return data


@pytest.fixture
def dog_procedure(catalogue):
    procedure = catalogue["jido"]
    intake.publish_form(procedure, DOG)
    procedure.refresh_from_db()
    return procedure


@pytest.fixture
def resident(make_user):
    return make_user("resident")


def _fill(resident, procedure, *, vaccinated="no"):
    draft = intake.draft_for(resident, procedure)
    assert intake.save_page(draft, "owner", posted(phone="０３－５７４４－１１１１"), {}).valid
    assert intake.save_page(draft, "dog", posted(dog_name="ポチ", vaccinated=vaccinated), {}).valid
    return draft


def test_publishing_makes_immutable_numbered_versions(dog_procedure) -> None:
    first = dog_procedure.live_form
    changed = {**DOG, "title": {"ja": "犬の登録（第2版）"}}
    second = intake.publish_form(dog_procedure, changed)
    assert (first.number, second.number) == (1, 2)
    dog_procedure.refresh_from_db()
    assert dog_procedure.live_form == second
    first.refresh_from_db()
    assert first.document["title"]["ja"] == "犬の登録"


def test_an_invalid_document_is_not_published(catalogue) -> None:
    with pytest.raises(ValidationError):
        intake.publish_form(catalogue["jido"], {"title": {"ja": "x"}, "pages": []})
    catalogue["jido"].refresh_from_db()
    assert catalogue["jido"].live_form is None


def test_apply_and_submit(
    dog_procedure, resident, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    draft = _fill(resident, dog_procedure)
    assert draft.answers == {"phone": "0357441111", "dog_name": "ポチ", "vaccinated": "no"}
    with django_capture_on_commit_callbacks(execute=True):
        application = intake.submit(resident, dog_procedure, draft.submission_token)
    assert application.status == "received" and application.form_version.number == 1
    assert len(application.receipt_number) == 9 and application.receipt_number[4] == "-"
    assert set(application.receipt_number.replace("-", "")) <= set(receipts.ALPHABET)
    assert application.due_date is not None
    assert not ApplicationDraft.objects.exists()
    [mail] = mailoutbox
    assert mail.to == [resident.email] and application.receipt_number in mail.subject
    assert AuditEvent.objects.filter(action="application.submit", subject_id=resident.pk).exists()


def test_the_same_token_never_makes_two_applications(dog_procedure, resident) -> None:
    token = _fill(resident, dog_procedure).submission_token
    first = intake.submit(resident, dog_procedure, token)
    second = intake.submit(resident, dog_procedure, token)
    assert first == second and Application.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_token_make_one_application(catalogue, make_user) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    procedure = catalogue["jido"]
    intake.publish_form(procedure, DOG)
    procedure.refresh_from_db()
    resident = make_user("resident")
    token = _fill(resident, procedure).submission_token
    results: list[str] = []
    failures: list[Exception] = []

    def send() -> None:
        try:
            results.append(intake.submit(resident, procedure, token).receipt_number)
        except Exception as error:  # collected and asserted below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Application.objects.count() == 1
    assert len(set(results)) == 1 and len(results) == 4


def test_a_stale_or_foreign_token_is_refused(dog_procedure, resident, make_user) -> None:
    _fill(resident, dog_procedure)
    with pytest.raises(DomainError) as error:
        intake.submit(resident, dog_procedure, "not-the-token")
    assert error.value.code == "application.stale"
    other = make_user("resident")
    token = ApplicationDraft.objects.get(applicant=resident).submission_token
    with pytest.raises(DomainError):
        intake.submit(other, dog_procedure, token)  # another resident cannot submit my draft
    assert not Application.objects.exists()


def test_a_token_beyond_ascii_is_stale_not_a_server_error(dog_procedure, resident) -> None:
    _fill(resident, dog_procedure)
    with pytest.raises(DomainError) as error:
        intake.submit(resident, dog_procedure, "あ\u202e")
    assert error.value.code == "application.stale"
    with pytest.raises(DomainError) as error:
        intake.submit(resident, dog_procedure, "a\x00")  # no key PostgreSQL could look up
    assert error.value.code == "application.stale"


def test_the_token_of_an_application_to_another_procedure_is_stale(
    dog_procedure, resident, catalogue
) -> None:
    made = intake.submit(resident, dog_procedure, _fill(resident, dog_procedure).submission_token)
    other = open_with_form(catalogue["gomi"], DOG)
    _fill(resident, other)
    with pytest.raises(DomainError) as error:
        intake.submit(resident, other, made.idempotency_key)  # a tampered hidden field
    assert error.value.code == "application.stale"
    assert list(Application.objects.all()) == [made]


def test_skipped_pages_make_an_incomplete_application(dog_procedure, resident) -> None:
    draft = intake.draft_for(resident, dog_procedure)
    intake.save_page(draft, "owner", posted(phone="0357441111"), {})
    with pytest.raises(DomainError) as error:
        intake.submit(resident, dog_procedure, draft.submission_token)
    assert error.value.code == "application.incomplete"


def test_a_page_behind_a_condition_cannot_be_saved_before_it_shows(dog_procedure, resident) -> None:
    draft = _fill(resident, dog_procedure, vaccinated="no")
    with pytest.raises(DomainError) as error:
        intake.save_page(draft, "certificate", posted(), {})
    assert error.value.code == "application.page_not_available"


def test_uploads_are_stored_under_generated_names_and_follow_the_application(
    dog_procedure, resident
) -> None:
    draft = _fill(resident, dog_procedure, vaccinated="yes")
    upload = SimpleUploadedFile(
        "../../etc/注射済証\x00.pdf", b"%PDF-1.7 certificate", "application/pdf"
    )
    result = intake.save_page(draft, "certificate", posted(), {"certificate_file": upload})
    assert result.valid
    attachment = Attachment.objects.get()
    assert (
        attachment.storage_name.startswith("attachments/") and "etc" not in attachment.storage_name
    )
    assert attachment.original_name == "注射済証.pdf"
    with default_storage.open(attachment.storage_name) as stored:
        assert stored.read() == b"%PDF-1.7 certificate"
    application = intake.submit(resident, dog_procedure, draft.submission_token)
    attachment.refresh_from_db()
    assert attachment.application == application
    assert application.answers["certificate_file"]["attachment"] == attachment.pk


def test_answers_of_pages_no_longer_shown_are_not_submitted(dog_procedure, resident) -> None:
    draft = _fill(resident, dog_procedure, vaccinated="yes")
    intake.save_page(
        draft, "certificate", posted(), {"certificate_file": SimpleUploadedFile("c.pdf", b"%PDF-1")}
    )
    intake.save_page(draft, "dog", posted(dog_name="ポチ", vaccinated="no"), {})
    application = intake.submit(resident, dog_procedure, draft.submission_token)
    assert "certificate_file" not in application.answers


def test_intake_window_and_capacity(dog_procedure, resident, make_user) -> None:
    dog_procedure.closes_at = timezone.now() - dt.timedelta(minutes=1)
    dog_procedure.save()
    with pytest.raises(DomainError) as error:
        intake.draft_for(resident, dog_procedure)
    assert error.value.code == "application.closed"
    dog_procedure.closes_at = None
    dog_procedure.capacity = 1
    dog_procedure.save()
    intake.submit(resident, dog_procedure, _fill(resident, dog_procedure).submission_token)
    late = make_user("resident")
    token = _fill(late, dog_procedure).submission_token
    with pytest.raises(DomainError) as error:
        intake.submit(late, dog_procedure, token)
    assert error.value.code == "form.capacity_reached"


def test_identity_level_is_enforced(catalogue, resident, make_user) -> None:
    procedure = catalogue["gomi"]
    procedure.identity_level = "verified"
    procedure.save()
    intake.publish_form(procedure, DOG)
    procedure.refresh_from_db()
    with pytest.raises(DomainError) as error:
        intake.draft_for(resident, procedure)
    assert error.value.code == "application.identity_required"
    unverified = make_user("resident", verified=False)
    procedure.identity_level = "account"
    procedure.save()
    with pytest.raises(DomainError):
        intake.draft_for(unverified, procedure)


def test_counter_procedures_have_no_online_intake(catalogue, resident) -> None:
    with pytest.raises(DomainError) as error:
        intake.draft_for(resident, catalogue["tennyu"])
    assert error.value.code == "application.not_online"


def test_receipt_numbers_are_readable() -> None:
    numbers = {receipts.new_receipt_number() for _ in range(200)}
    assert len(numbers) == 200
    assert all(not set(number) & set("0O1IL5S2Z8BDQ") for number in numbers)
    assert receipts.normalise(" 7kxm 3rfa ") == "7KXM-3RFA"


def test_a_receipt_number_already_taken_is_drawn_again_on_the_web(
    dog_procedure, resident, make_user, monkeypatch
) -> None:
    other = make_user("resident")
    taken = intake.submit(other, dog_procedure, _fill(other, dog_procedure).submission_token)
    draws = iter([taken.receipt_number, "7KXM-3RFA"])
    monkeypatch.setattr(intake, "new_receipt_number", lambda: next(draws))
    draft = _fill(resident, dog_procedure)
    application = intake.submit(resident, dog_procedure, draft.submission_token)
    assert application.receipt_number == "7KXM-3RFA"
    assert Application.objects.count() == 2 and not ApplicationDraft.objects.exists()
