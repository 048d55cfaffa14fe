"""Removing uploaded files nobody needs any more: files whose record never committed, uploads
a draft no longer uses (replaced, or on a page the answers no longer show), and the uploads of
drafts abandoned longer than the retention period.

Files attached to an application are never touched here. Each removal re-checks, under a row
lock, that the upload is still unattached and unused, so a submission that commits meanwhile
keeps its files; the stored file goes only after the row's deletion commits, so there is never
a record without its file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from jichitai.governance.services import record_event
from jichitai.procedures.models import ApplicationDraft, Attachment, CorrectionDraft
from jichitai.procedures.selectors import attachment_ids
from jichitai.procedures.services.attachment_files import FOLDER


@dataclass
class CleanupReport:
    """What was (or, in a dry run, would be) removed."""

    draft_answers: list[tuple[int, str]] = field(default_factory=list)  # (draft id, question)
    attachments: list[int] = field(default_factory=list)
    orphan_files: list[str] = field(default_factory=list)


def clean_up_uploads(
    *, grace: dt.timedelta, draft_retention: dt.timedelta, dry_run: bool = False
) -> CleanupReport:
    """Plan the clean-up from the current state, then (unless `dry_run`) carry it out."""
    now = timezone.now()
    report = CleanupReport()
    abandoned = ApplicationDraft.objects.filter(updated_at__lt=now - draft_retention)
    freed: set[int] = set()
    for draft in abandoned.only("pk", "answers").iterator():
        for question_id, value in draft.answers.items():
            ids = attachment_ids(value)
            if ids:
                report.draft_answers.append((draft.pk, question_id))
                freed.update(ids)
    in_use = {
        pk
        for answers in ApplicationDraft.objects.values_list("answers", flat=True).iterator()
        for pk in attachment_ids(answers)
    } - freed
    # Files chosen while changing answers for a correction (補正) wait, unattached, until the
    # correction is sent.
    in_use |= {
        pk
        for answers in CorrectionDraft.objects.values_list("answers", flat=True).iterator()
        for pk in attachment_ids(answers)
    }
    # Filtered here, not in SQL: the set in use can exceed a database's parameter limit.
    unattached = Attachment.objects.filter(application=None, uploaded_at__lt=now - grace)
    report.attachments = sorted(
        pk for pk in unattached.values_list("pk", flat=True).iterator() if pk not in in_use
    )
    report.orphan_files = _orphan_files(now - grace)
    if not dry_run:
        _remove_draft_answers(report, now - draft_retention)
        report.attachments = [pk for pk in report.attachments if _remove_attachment(pk)]
        for name in report.orphan_files:
            if not Attachment.objects.filter(storage_name=name).exists():
                default_storage.delete(name)
    return report


def _orphan_files(before: dt.datetime) -> list[str]:
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return []
    paths = [f"{FOLDER}/{name}" for name in names]
    known: set[str] = set()
    for start in range(0, len(paths), 500):  # within every database's parameter limit
        chunk = paths[start : start + 500]
        known.update(
            Attachment.objects.filter(storage_name__in=chunk).values_list("storage_name", flat=True)
        )
    return sorted(
        path
        for path in paths
        if path not in known and default_storage.get_modified_time(path) < before
    )


def _remove_draft_answers(report: CleanupReport, before: dt.datetime) -> None:
    by_draft: dict[int, list[str]] = {}
    for draft_id, question_id in report.draft_answers:
        by_draft.setdefault(draft_id, []).append(question_id)
    for draft_id, question_ids in by_draft.items():
        with transaction.atomic():
            draft = (
                ApplicationDraft.objects.select_for_update()
                .filter(pk=draft_id, updated_at__lt=before)
                .first()
            )
            if draft is None:  # submitted or touched since the plan was made
                continue
            for question_id in question_ids:
                draft.answers.pop(question_id, None)
            # updated_at stays: the resident did not touch the draft.
            draft.save(update_fields=["answers"])
            record_event(
                "personal_data.delete",
                actor_label="cleanup_uploads",
                target=draft,
                subject_id=draft.applicant_id,
                fields=question_ids,
                detail={"purpose": "uploads.draft_retention"},
            )


def _remove_attachment(pk: int) -> bool:
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().filter(pk=pk, application=None).first()
        if attachment is None:
            return False
        owners_drafts = ApplicationDraft.objects.filter(applicant_id=attachment.owner_id)
        owners_corrections = CorrectionDraft.objects.filter(
            application__applicant_id=attachment.owner_id
        )
        if any(
            pk in attachment_ids(answers)
            for answers in [
                *owners_drafts.values_list("answers", flat=True),
                *owners_corrections.values_list("answers", flat=True),
            ]
        ):
            return False
        name = attachment.storage_name
        attachment.delete()
        record_event(
            "personal_data.delete",
            actor_label="cleanup_uploads",
            object_type="procedures.attachment",
            object_id=str(pk),
            subject_id=attachment.owner_id,
            fields=["attachments"],
            detail={"purpose": "uploads.unused"},
        )
        transaction.on_commit(lambda: default_storage.delete(name))
    return True
