"""Online intake: publishing forms, drafts page by page, and submitting applications (申請).

Submitting is idempotent: the check-your-answers page carries the draft's submission token,
and (applicant, token) is unique in the database, so a double click, a browser retry or a
replayed request returns the first application instead of making a second.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jichitai.accounts.identity import selectors as identity_selectors
from jichitai.core.errors import DomainError
from jichitai.core.japanese.calendar import add_business_days
from jichitai.core.plain_text import has_control_characters
from jichitai.governance.services import record_event
from jichitai.procedures import answer_table
from jichitai.procedures.formdoc import routing, schema
from jichitai.procedures.formdoc.answers import (
    FieldError,
    PageAnswers,
    UploadCandidate,
    clean_page,
)
from jichitai.procedures.models import (
    Application,
    ApplicationDraft,
    Attachment,
    FormVersion,
    IdentityLevel,
    NotificationEvent,
    Procedure,
)
from jichitai.procedures.receipts import new_receipt_number
from jichitai.procedures.selectors import attachment_ids
from jichitai.procedures.services import application_rows, dedupe
from jichitai.procedures.services.attachment_files import answer_value, store_uploads
from jichitai.procedures.services.notifications import notify_applicant

_LEVEL_ORDER: list[str] = [IdentityLevel.NONE, IdentityLevel.ACCOUNT, IdentityLevel.VERIFIED]


def publish_form(
    procedure: Procedure, document: Mapping[str, Any], *, actor: Any = None
) -> FormVersion:
    """Publish a form document as the procedure's next version and make it the live one.

    The document is validated first (pydantic.ValidationError names what is wrong). Earlier
    versions stay as they were, for the applications made with them.
    """
    parsed = schema.parse(document)
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        latest = locked.form_versions.order_by("-number").values_list("number", flat=True).first()
        version = FormVersion.objects.create(
            procedure=locked,
            number=(latest or 0) + 1,
            document=parsed.model_dump(mode="json"),
            published_by_id=getattr(actor, "pk", None),
        )
        locked.live_form = version
        locked.save(update_fields=["live_form"])
        record_event(
            "form.publish",
            actor=actor,
            target=version,
            detail={"procedure": locked.slug, "version": version.number},
        )
    procedure.live_form = version
    return version


def identity_level_of(user: Any) -> str:
    """How sure we are of who this user is: verified while an identity verification through a
    provider (My Number card, OpenID Connect) is current; account for a resident with a
    confirmed address; none otherwise."""
    if getattr(user, "is_authenticated", False) and user.is_resident and user.email_verified_at:
        if identity_selectors.verified_level(user) == IdentityLevel.VERIFIED:
            return IdentityLevel.VERIFIED
        return IdentityLevel.ACCOUNT
    return IdentityLevel.NONE


def check_intake_open(procedure: Procedure, user: Any) -> str:
    """Raise a DomainError saying why this user cannot apply online now, if they cannot;
    return the user's identity level (identity_level_of) when they can."""
    now = timezone.now()
    if (
        procedure.channel != "online"
        or procedure.live_form_id is None
        or not procedure.is_published
    ):
        raise DomainError("application.not_online", _("この手続きはオンラインでは申請できません。"))
    if procedure.opens_at and now < procedure.opens_at:
        raise DomainError("application.not_open", _("この手続きの受付はまだ始まっていません。"))
    if procedure.closes_at and now >= procedure.closes_at:
        raise DomainError("application.closed", _("この手続きの受付は終了しました。"))
    level = identity_level_of(user)
    if _LEVEL_ORDER.index(level) < _LEVEL_ORDER.index(procedure.identity_level):
        if procedure.identity_level == IdentityLevel.VERIFIED:
            message = _(
                "この手続きにはマイナンバーカードによる本人確認が必要です。"
                "本人確認をしてから申請してください。"
            )
        else:
            message = _("この手続きを申請するには、サインインしてください。")
        raise DomainError("application.identity_required", message)
    return level


def draft_for(user: Any, procedure: Procedure) -> ApplicationDraft:
    """The resident's draft for this procedure, started on the live form if there is none."""
    check_intake_open(procedure, user)
    draft, _created = ApplicationDraft.objects.get_or_create(
        applicant=user,
        procedure=procedure,
        defaults={
            "form_version": procedure.live_form,
            "submission_token": secrets.token_urlsafe(24),
        },
    )
    return draft


def save_page(
    draft: ApplicationDraft, page_id: str, data: Any, files: Mapping[str, Any]
) -> PageAnswers:
    """Check one page's answers; when they are good, keep them (and any files) in the draft."""
    document = draft.form_version.form()
    page = document.page(page_id)
    if page is None or page not in routing.visible_pages(document, draft.answers):
        raise DomainError("application.page_not_available", _("このページは表示できません。"))
    kept = {
        q.id: draft.answers[q.id]
        for q in page.questions
        if q.type == "file" and q.id in draft.answers
    }
    result = clean_page(page, data, files, kept_files=kept)
    if result.valid:
        _refuse_known_duplicate(document, draft, result)
    if not result.valid:
        return result
    with transaction.atomic():
        values = dict(result.values)
        values.update(
            store_uploads(
                draft.applicant,
                {k: v for k, v in values.items() if isinstance(v, UploadCandidate)},
            )
        )
        for question in page.questions:
            draft.answers.pop(question.id, None)
        draft.answers.update(values)
        draft.updated_at = timezone.now()
        draft.save(update_fields=["answers", "updated_at"])
    return result


def _refuse_known_duplicate(
    document: schema.FormDocument, draft: ApplicationDraft, result: PageAnswers
) -> None:
    """Tell the resident on the page where they typed it that this unit (e.g. household) has
    already applied, instead of at the very end."""
    rule = document.dedupe
    if rule is None or rule.question is None or rule.question not in result.values:
        return
    key = dedupe.dedupe_key(document, draft.procedure_id, result.values, draft.applicant_id)
    existing = dedupe.active_application(draft.procedure_id, key)
    if existing is not None:
        error = dedupe.duplicate_error(existing)
        result.errors[rule.question] = [FieldError(error.code, error.message)]


def submit(user: Any, procedure: Procedure, token: str) -> Application:
    """Turn the resident's draft into an application with a receipt number (受付番号).

    The same token returns the same application however often it is sent. Raises DomainError
    when the draft is gone or stale (`application.stale`), incomplete (`application.incomplete`),
    leads to an exit page (`application.not_eligible`), the unit has applied already
    (`application.duplicate`), or intake is closed or full.
    """
    for _attempt in range(RECEIPT_ATTEMPTS):
        try:
            with transaction.atomic():
                return _submit_draft(user, procedure, token)
        except IntegrityError:
            draft = (
                ApplicationDraft.objects.select_related("form_version")
                .filter(applicant=user, procedure=procedure)
                .first()
            )
            made = application_after_conflict(
                user,
                procedure,
                token,
                draft.form_version if draft else None,
                draft.answers if draft else {},
            )
            if made is not None:
                return made
    raise stale_error()


# Receipt numbers are drawn at random and the database refuses one that is taken (23⁸ of them:
# a clash is rare, two in a row rarer still); the submission is then made again with a new one.
RECEIPT_ATTEMPTS = 3


def application_after_conflict(
    user: Any,
    procedure: Procedure,
    token: str,
    form_version: FormVersion | None,
    answers: Mapping[str, Any],
) -> Application | None:
    """After a unique constraint stopped an insert: a concurrent request with the same token
    won the race (return what it made), or another application for the same unit did (refuse
    this one as a duplicate). None when it was neither: the receipt number drawn was taken,
    and the caller tries again."""
    made = Application.objects.filter(applicant=user, idempotency_key=token).first()
    if made is not None:
        return made
    if form_version is not None:
        document = form_version.form()
        key = dedupe.dedupe_key(document, procedure.pk, answers, user.pk)
        existing = dedupe.active_application(procedure.pk, key)
        if existing is not None:
            rule = document.dedupe
            raise dedupe.duplicate_error(existing, field=rule.question if rule else None) from None
    return None


def stale_error() -> DomainError:
    return DomainError(
        "application.stale", _("この画面は古くなっています。もう一度内容を確認してください。")
    )


def _submit_draft(user: Any, procedure: Procedure, token: str) -> Application:
    # Lock the draft first: a concurrent submit with the same token waits here, and then finds
    # the application the first one made (and its draft gone).
    draft = (
        ApplicationDraft.objects.select_for_update()
        .select_related("form_version")
        .filter(applicant=user, procedure=procedure)
        .first()
    )
    if has_control_characters(token):  # a crafted one: no draft's token, and no key to look up
        raise stale_error()
    existing = Application.objects.filter(
        applicant=user, procedure=procedure, idempotency_key=token
    ).first()
    if existing is not None:
        return existing
    # Compared as bytes: compare_digest refuses str with characters beyond ASCII (a crafted
    # token), where it should simply not match.
    if draft is None or not secrets.compare_digest(draft.submission_token.encode(), token.encode()):
        raise stale_error()
    application, _created = file_application(
        user, procedure, draft.form_version, draft.answers, token
    )
    draft.delete()
    return application


def file_application(
    user: Any,
    procedure: Procedure,
    form_version: FormVersion,
    given_answers: Mapping[str, Any],
    token: str,
    *,
    request_digest: str = "",
    new_attachments: Mapping[str, Attachment] | None = None,
    checked_level: str | None = None,
) -> tuple[Application, bool]:
    """Check complete, clean answers against the rules that hold at submission time (intake
    open, eligibility, completeness, capacity, one per unit) and create the application with
    its receipt number, attachments, audit entry and confirmation mail. Returns (application,
    created): an application already made with this token is returned as it is. Every page's
    answers must already have passed clean_page.

    Runs inside the caller's transaction when there is one, otherwise in its own. On
    PostgreSQL that is one statement (application_rows.write_in_one_statement) when nothing
    else must happen in it: no capacity to count under a lock, and only new files
    (`new_attachments`).

    `new_attachments`: the rows of files just stored (attachment_files.write_upload_files),
    not saved yet, by the question whose answer they are; they are saved with the application.
    `checked_level`: what check_intake_open returned for this same procedure object in this
    request (it is not asked again unless the procedure is locked and read afresh)."""
    filing = functools.partial(
        _file_application,
        user,
        procedure,
        form_version,
        given_answers,
        token,
        request_digest=request_digest,
        new_attachments=new_attachments,
        checked_level=checked_level,
    )
    if (
        connection.vendor == "postgresql"
        and procedure.capacity is None
        and new_attachments is not None
        and not connection.in_atomic_block
    ):
        return filing(in_one_statement=True)
    # A savepoint inside the caller's transaction: a receipt number drawn twice or a twin
    # that won (IntegrityError) undoes this attempt only, and the caller may try again.
    with transaction.atomic():
        return filing(in_one_statement=False)


def _file_application(
    user: Any,
    procedure: Procedure,
    form_version: FormVersion,
    given_answers: Mapping[str, Any],
    token: str,
    *,
    request_digest: str,
    new_attachments: Mapping[str, Attachment] | None,
    checked_level: str | None,
    in_one_statement: bool,
) -> tuple[Application, bool]:
    if procedure.capacity is not None:
        # Counting against a capacity must not race: submissions to this procedure queue
        # here, and one that waited may find its twin (same token) already made.
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        made = Application.objects.filter(applicant=user, idempotency_key=token).first()
        if made is not None:
            return made, False
        checked_level = None
    else:
        # Nothing is locked, so a surge is not serialised: concurrent twins and duplicates
        # are stopped by the unique constraints (see application_after_conflict).
        locked = procedure
    level = checked_level if checked_level is not None else check_intake_open(locked, user)
    document = form_version.form()
    if routing.exit_page(document, given_answers) is not None:
        raise DomainError(
            "application.not_eligible", _("回答の内容から、この手続きは申請できません。")
        )
    answers = routing.effective_answers(document, given_answers)
    missing = routing.unanswered_required(document, answers)
    if missing:
        raise DomainError(
            "application.incomplete", _("まだ回答していない質問があります。"), field=missing[0]
        )
    if (
        locked.capacity is not None
        and locked.applications.exclude(status="withdrawn").count() >= locked.capacity
    ):
        raise DomainError("form.capacity_reached", _("定員に達したため、受付を終了しました。"))
    saved_with_application: list[Attachment] = []
    if new_attachments:
        # Files of questions the answers skip are not kept (the clean-up removes them).
        kept = {key: row for key, row in new_attachments.items() if key in answers}
        saved_with_application = (
            application_rows.number_new_attachments(kept.values()) if kept else []
        )
        answers = {**answers, **{key: answer_value(row) for key, row in kept.items()}}
    # A second application for the same unit is refused by the database's unique constraint
    # (caught in application_after_conflict), which also holds under concurrency.
    key = dedupe.dedupe_key(document, locked.pk, answers, user.pk)
    submitted_at = timezone.now()
    # Not looked up first: the unique constraint refuses a number that is taken, and the
    # caller tries again (RECEIPT_ATTEMPTS).
    receipt_number = new_receipt_number()
    application = Application(
        receipt_number=receipt_number,
        procedure=locked,
        form_version=form_version,
        applicant=user,
        answers=answers,
        language=get_language() or "ja",
        identity_level=level,
        identity_verification=(
            identity_selectors.current_verification(user)
            if level == IdentityLevel.VERIFIED
            else None
        ),
        submitted_at=submitted_at,
        due_date=(
            add_business_days(timezone.localdate(submitted_at), locked.standard_processing_days)
            if locked.standard_processing_days
            else None
        ),
        idempotency_key=token,
        dedupe_key=key or "",
        request_digest=request_digest,
        search_text=answer_table.search_text(document, answers, receipt_number, user.display_name),
    )
    audit = {
        "action": "application.submit",
        "actor": user,
        "subject_id": user.pk,
        "fields": sorted(answers),
        "detail": {"procedure": locked.slug, "receipt_number": application.receipt_number},
    }
    if in_one_statement:
        application_rows.write_in_one_statement(application, saved_with_application, audit)
        return application, True
    application_rows.insert_application(application, saved_with_application)
    if not saved_with_application:
        Attachment.objects.filter(
            owner=user, application=None, pk__in=attachment_ids(answers)
        ).update(application=application)
    notify_applicant(application, NotificationEvent.RECEIVED)
    # Last: the audit chain's head stays locked until commit, so take it as late as possible.
    record_event(**audit, target=application)
    return application, True
