"""What a resident can do with their own application: answer a correction request (補正),
and withdraw it (取下げ)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.core.japanese.calendar import add_business_days, business_days_between
from jichitai.core.plain_text import has_control_characters
from jichitai.governance.services import record_event
from jichitai.procedures import answer_table
from jichitai.procedures.formdoc import routing
from jichitai.procedures.formdoc.answers import FieldError, check_upload
from jichitai.procedures.models import Application, ApplicationEvent, Attachment, CorrectionDraft
from jichitai.procedures.models import ApplicationStatus as S
from jichitai.procedures.selectors import attachment_ids
from jichitai.procedures.services import corrections, dedupe
from jichitai.procedures.services.attachment_files import store_upload

WITHDRAWABLE = frozenset({S.RECEIVED, S.UNDER_REVIEW, S.CORRECTION_REQUESTED})
MAX_MESSAGE = 2000


def _own(user: Any, application: Application) -> Application:
    locked = (
        Application.objects.select_for_update().filter(pk=application.pk, applicant=user).first()
    )
    if locked is None:
        raise DomainError("application.not_found", _("申請が見つかりません。"))
    return locked


def answer_correction(
    user: Any, application: Application, *, message: str, upload: Any = None
) -> Application:
    """Send what the department asked for; the application goes back to review (審査中).

    Answers the resident changed page by page (services.corrections, kept in the correction
    draft) replace the application's answers here; the answers they replace stay in the
    history (the event's `changes`), and the search text and one-per-unit key follow. The
    standard processing clock pauses while a correction is pending: the due date moves by
    the business days between the request and this answer. Raises `correction.empty`,
    `correction.not_requested`, `correction.incomplete` or `correction.not_eligible` (changed
    answers that are incomplete or lead to an exit page), `application.duplicate`, or the
    upload's refusal (`file_too_large`, `file_type`).
    """
    message = message.strip()
    if has_control_characters(message):
        raise DomainError(
            "correction.invalid_characters", _("使えない文字が含まれています。"), field="message"
        )
    if len(message) > MAX_MESSAGE:
        raise DomainError(
            "correction.too_long", _("お知らせは2000文字以内で入力してください。"), field="message"
        )
    checked = check_upload(upload) if upload is not None else None
    if isinstance(checked, FieldError):
        raise DomainError(f"correction.{checked.code}", checked.message, field="upload")
    with transaction.atomic():
        locked = _own(user, application)
        if locked.status != S.CORRECTION_REQUESTED:
            raise DomainError("correction.not_requested", _("この申請には補正の依頼がありません。"))
        draft = CorrectionDraft.objects.select_for_update().filter(application=locked).first()
        changes = _apply_changed_answers(locked, draft.answers) if draft is not None else {}
        if not message and checked is None and not changes:
            raise DomainError(
                "correction.empty",
                _("直した内容を入力するか、回答を変更するか、ファイルを選んでください。"),
                field="message",
            )
        requested = (
            locked.events.filter(to_status=S.CORRECTION_REQUESTED).order_by("-occurred_at").first()
        )
        if locked.due_date and requested:
            paused = business_days_between(
                timezone.localdate(requested.occurred_at), timezone.localdate()
            )
            locked.due_date = add_business_days(locked.due_date, paused)
        attachment_note = ""
        if checked is not None:
            stored = store_upload(user, checked, application=locked)
            attachment_note = "\n" + _("添付ファイル：%(name)s") % {"name": stored["name"]}
        ApplicationEvent.objects.create(
            application=locked,
            from_status=locked.status,
            to_status=S.UNDER_REVIEW,
            actor_id=user.pk,
            message=(message + attachment_note).strip(),
            changes=changes,
        )
        locked.status = S.UNDER_REVIEW
        # Kept in step with the answers for the back office's search (answer_table).
        locked.search_text = answer_table.search_text_of(locked)
        locked.save(update_fields=["status", "due_date", "search_text", "answers", "dedupe_key"])
        if draft is not None:
            draft.delete()
        record_event(
            "application.correction_answered",
            actor=user,
            target=locked,
            subject_id=user.pk,
            fields=sorted(changes),
            detail={"with_file": checked is not None, "changed": sorted(changes)},
        )
    return locked


def _apply_changed_answers(locked: Application, draft_answers: Mapping[str, Any]) -> dict[str, Any]:
    """Check the changed answers as a whole, as submitting does, and put them on the (locked)
    application; return what changed. The new files become the application's; the old ones
    stay attached, as the history refers to them."""
    document = locked.form_version.form()
    if routing.exit_page(document, draft_answers) is not None:
        raise DomainError(
            "correction.not_eligible", _("変更した回答の内容では、この手続きは申請できません。")
        )
    answers = routing.effective_answers(document, draft_answers)
    missing = routing.unanswered_required(document, answers)
    if missing:
        raise DomainError(
            "correction.incomplete", _("まだ回答していない質問があります。"), field=missing[0]
        )
    changes = corrections.answer_changes(document, locked.answers, answers)
    if not changes:
        return {}
    key = dedupe.dedupe_key(document, locked.procedure_id, answers, locked.applicant_id) or ""
    if key and key != locked.dedupe_key:
        existing = dedupe.active_application(locked.procedure_id, key)
        if existing is not None and existing.pk != locked.pk:
            field = document.dedupe.question if document.dedupe else None
            raise dedupe.duplicate_error(existing, field=field)
    Attachment.objects.filter(
        owner_id=locked.applicant_id, application=None, pk__in=attachment_ids(answers)
    ).update(application=locked)
    locked.answers = answers
    locked.dedupe_key = key
    return changes


def withdraw(user: Any, application: Application) -> Application:
    """Withdraw one's own application before it is decided (取下げ)."""
    with transaction.atomic():
        locked = _own(user, application)
        if locked.status not in WITHDRAWABLE:
            raise DomainError(
                "application.not_withdrawable", _("決定済みの申請は取り下げられません。")
            )
        ApplicationEvent.objects.create(
            application=locked, from_status=locked.status, to_status=S.WITHDRAWN, actor_id=user.pk
        )
        locked.status = S.WITHDRAWN
        locked.save(update_fields=["status"])
        record_event("application.withdraw", actor=user, target=locked, subject_id=user.pk)
    return locked
