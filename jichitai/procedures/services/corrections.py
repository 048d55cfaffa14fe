"""Changing answers in reply to a correction request (補正): the resident re-opens the pages the
department named, on the form version the application was made with, page by page with the
same validation as applying; the changed answers are kept in a correction draft until they
send the correction (resident_actions.answer_correction), which applies them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.procedures.formdoc import routing, schema
from jichitai.procedures.formdoc.answers import PageAnswers, UploadCandidate, clean_page
from jichitai.procedures.models import Application, ApplicationEvent, CorrectionDraft
from jichitai.procedures.models import ApplicationStatus as S
from jichitai.procedures.services.attachment_files import store_upload


def _pending(user: Any, application: Application) -> None:
    if application.applicant_id != getattr(user, "pk", None):
        raise DomainError("application.not_found", _("申請が見つかりません。"))
    if application.status != S.CORRECTION_REQUESTED:
        raise DomainError("correction.not_requested", _("この申請には補正の依頼がありません。"))


def latest_request(application: Application) -> ApplicationEvent | None:
    """The correction request now pending (the last move into 補正依頼)."""
    return (
        application.events.filter(to_status=S.CORRECTION_REQUESTED)
        .order_by("-occurred_at", "-pk")
        .first()
    )


def requested_page_ids(document: schema.FormDocument, application: Application) -> list[str]:
    """The pages the department asked the resident to change, in form order; all question
    pages when the request named none."""
    request = latest_request(application)
    named = set(request.pages) if request is not None and request.pages else None
    return [
        page.id
        for page in document.pages
        if page.exit_message is None and page.questions and (named is None or page.id in named)
    ]


def editable_pages(
    document: schema.FormDocument, application: Application, answers: Mapping[str, Any]
) -> list[schema.Page]:
    """The pages the resident may open now: the requested ones that the answers show, and any
    shown page with a required question still unanswered (a changed answer can bring in a
    page that was hidden before)."""
    requested = set(requested_page_ids(document, application))
    return [
        page
        for page in routing.visible_pages(document, answers)
        if page.exit_message is not None
        or page.id in requested
        or any(q.required and q.id not in answers for q in page.questions)
    ]


def correction_draft_for(user: Any, application: Application) -> CorrectionDraft:
    """The resident's correction draft for this application, started from the answers as they
    stand. Raises `application.not_found` (not theirs) or `correction.not_requested`."""
    _pending(user, application)
    draft, _created = CorrectionDraft.objects.get_or_create(
        application=application, defaults={"answers": dict(application.answers)}
    )
    return draft


def save_correction_page(
    user: Any, application: Application, page_id: str, data: Any, files: Mapping[str, Any]
) -> PageAnswers:
    """Check one page's new answers; when they are good, keep them in the correction draft.
    Raises `correction.page_not_available` for a page the resident may not change."""
    draft = correction_draft_for(user, application)
    document = application.form_version.form()
    page = document.page(page_id)
    if page is None or page not in editable_pages(document, application, draft.answers):
        raise DomainError("correction.page_not_available", _("このページは変更できません。"))
    kept = {
        q.id: draft.answers[q.id]
        for q in page.questions
        if q.type == "file" and q.id in draft.answers
    }
    result = clean_page(page, data, files, kept_files=kept)
    if not result.valid:
        return result
    with transaction.atomic():
        values = {
            key: store_upload(user, value) if isinstance(value, UploadCandidate) else value
            for key, value in result.values.items()
        }
        for question in page.questions:
            draft.answers.pop(question.id, None)
        draft.answers.update(values)
        draft.updated_at = timezone.now()
        draft.save(update_fields=["answers", "updated_at"])
    return result


def discard_correction_draft(user: Any, application: Application) -> None:
    """Forget the changes not sent yet (the answers stay as they were)."""
    _pending(user, application)
    CorrectionDraft.objects.filter(application=application).delete()


def answer_changes(
    document: schema.FormDocument, before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """What differs between two sets of answers, question id → {"old", "new"} (None for an
    answer that was not there), in form order."""
    order = [q.id for page in document.pages for q in page.questions]
    keys = order + sorted((set(before) | set(after)) - set(order))
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in keys
        if before.get(key) != after.get(key)
    }
