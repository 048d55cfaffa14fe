"""manage.py cleanup_uploads: unused and abandoned uploads go, everything in use stays."""

import datetime as dt
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from jichitai.governance.models import AuditEvent
from jichitai.procedures.models import ApplicationDraft, Attachment
from jichitai.procedures.services import intake
from jichitai.procedures.tests.conftest import open_with_form

pytestmark = pytest.mark.django_db

FORM = {
    "title": {"ja": "書類の提出"},
    "pages": [
        {
            "id": "p",
            "title": {"ja": "書類"},
            "questions": [
                {"id": "doc", "type": "file", "label": {"ja": "書類"}},
                {"id": "extra", "type": "file", "label": {"ja": "追加"}, "required": False},
            ],
        }
    ],
}


@pytest.fixture
def procedure(catalogue):
    return open_with_form(catalogue["jido"], FORM)


def _upload(draft, **names):
    files = {
        key: SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode()) for key, name in names.items()
    }
    assert intake.save_page(draft, "p", QueryDict(), files).valid


def _age(*, attachments=(), drafts=(), days=0, hours=0):
    past = timezone.now() - dt.timedelta(days=days, hours=hours)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(uploaded_at=past)
    ApplicationDraft.objects.filter(pk__in=[d.pk for d in drafts]).update(updated_at=past)
    for attachment in attachments:
        path = default_storage.path(attachment.storage_name)
        os.utime(path, (past.timestamp(), past.timestamp()))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command; files go after their rows' deletion commits, so run those hooks."""

    def run(*args):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("cleanup_uploads", *args, stdout=out)
        return out.getvalue()

    return run


def test_uploads_in_use_stay(procedure, make_user, run) -> None:
    resident = make_user("resident")
    draft = intake.draft_for(resident, procedure)
    _upload(draft, doc="a.pdf")
    in_draft = Attachment.objects.get()
    _age(attachments=[in_draft], days=3)
    submitted_draft = intake.draft_for(make_user("resident"), procedure)
    _upload(submitted_draft, doc="b.pdf")
    application = intake.submit(
        submitted_draft.applicant, procedure, submitted_draft.submission_token
    )
    attached = Attachment.objects.get(application=application)
    _age(attachments=[attached], days=400)
    assert "removed 0 file answer(s) of abandoned drafts, 0 unused upload(s), 0 file(s)" in run()
    assert Attachment.objects.count() == 2
    assert default_storage.exists(in_draft.storage_name) and default_storage.exists(
        attached.storage_name
    )


def test_replaced_draft_uploads_go_after_the_grace_period(procedure, make_user, run) -> None:
    draft = intake.draft_for(make_user("resident"), procedure)
    _upload(draft, doc="first.pdf")
    first = Attachment.objects.get()
    _upload(draft, doc="second.pdf")
    second = Attachment.objects.exclude(pk=first.pk).get()
    assert run().endswith("0 unused upload(s), 0 file(s) without a record\n")  # within grace
    _age(attachments=[first, second], hours=25)
    dry = run("--dry-run")
    assert "would remove 0 file answer(s) of abandoned drafts, 1 unused upload(s)" in dry
    assert Attachment.objects.count() == 2 and default_storage.exists(first.storage_name)
    assert "removed 0 file answer(s) of abandoned drafts, 1 unused upload(s)" in run()
    assert list(Attachment.objects.all()) == [second]
    assert not default_storage.exists(first.storage_name)
    assert default_storage.exists(second.storage_name)
    event = AuditEvent.objects.get(action="personal_data.delete")
    assert event.subject_id == draft.applicant_id and event.object_id == str(first.pk)


def test_abandoned_drafts_lose_their_uploads_and_ask_again(
    procedure, make_user, settings, run
) -> None:
    settings.JICHITAI_DRAFT_UPLOAD_RETENTION_DAYS = 30
    draft = intake.draft_for(make_user("resident"), procedure)
    _upload(draft, doc="a.pdf", extra="b.pdf")
    fresh = intake.draft_for(make_user("resident"), procedure)
    _upload(fresh, doc="c.pdf")
    old = list(Attachment.objects.filter(owner=draft.applicant))
    _age(attachments=old, drafts=[draft], days=31)
    assert "would remove 2 file answer(s) of abandoned drafts, 2 unused upload(s)" in run(
        "--dry-run"
    )
    assert Attachment.objects.count() == 3
    assert "removed 2 file answer(s) of abandoned drafts, 2 unused upload(s)" in run()
    draft.refresh_from_db()
    assert draft.answers == {}
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["c.pdf"]
    assert not any(default_storage.exists(a.storage_name) for a in old)
    # Submitting now asks for the file again instead of filing a missing one.
    with pytest.raises(Exception) as error:
        intake.submit(draft.applicant, procedure, draft.submission_token)
    assert getattr(error.value, "code", "") == "application.incomplete"


def test_files_without_a_record_go_after_the_grace_period(procedure, run) -> None:
    stray = default_storage.save("attachments/stray", ContentFile(b"left by a rollback"))
    recent = default_storage.save("attachments/recent", ContentFile(b"upload in flight"))
    past = time.time() - 25 * 3600
    os.utime(default_storage.path(stray), (past, past))
    assert (
        "would remove 0 file answer(s) of abandoned drafts, 0 unused upload(s), 1 file(s)"
        in run("--dry-run")
    )
    assert default_storage.exists(stray)
    assert "1 file(s) without a record" in run()
    assert not default_storage.exists(stray) and default_storage.exists(recent)


def test_nothing_to_do_on_an_empty_store(db, run) -> None:
    assert "removed 0" in run()
