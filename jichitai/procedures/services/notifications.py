"""Telling applicants by mail (通知): received, correction requested, decided.

Each message is written to the outbox in the caller's transaction. Its text comes from the
procedure's own template for the event and language (NotificationTemplate) when there is one,
otherwise from the default template files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from jichitai.core.combined_insert import RowInsert
from jichitai.core.errors import DomainError
from jichitai.core.templatetags.jichitai_dates import wareki
from jichitai.governance.services import record_event
from jichitai.notifications import sandbox
from jichitai.notifications.composers import NothingToCompose
from jichitai.notifications.mail import render_template_files
from jichitai.notifications.models import OutboundEmail
from jichitai.notifications.services import (
    queue_composed_at_delivery,
    queue_email,
    queue_in_statement,
    retry_now,
)
from jichitai.procedures import policies
from jichitai.procedures.models import (
    Application,
    ApplicationStatus,
    NotificationEvent,
    NotificationTemplate,
    Procedure,
)

# The default template files for each event.
DEFAULT_TEMPLATES = {
    NotificationEvent.RECEIVED: "procedures/email/application_received",
    NotificationEvent.CORRECTION_REQUESTED: "procedures/email/status_changed",
    NotificationEvent.DECIDED: "procedures/email/status_changed",
}


def notify_applicant(application: Application, event: str, *, message: str = "") -> OutboundEmail:
    """Queue the mail for `event` to the applicant, in their preferred language. Call it
    inside the transaction that made the change.

    The mail that an application was received is written when it is sent (compose_received),
    not here: a surge of submissions then writes one small outbox row each."""
    user = application.applicant
    language = user.preferred_language or "ja"
    procedure = application.procedure
    if event == NotificationEvent.RECEIVED and not message:
        return queue_composed_at_delivery(**_received_mail(application))
    subject, body = _render(
        application,
        event,
        language,
        message,
        # selectors.procedure_for_intake says when the procedure has none of its own.
        look_for_own=getattr(procedure, "has_own_mail_templates", True),
    )
    return queue_email(
        to=user.email,
        subject=subject,
        body=body,
        language=language,
        event=f"application.{event}",
        department_id=procedure.department_id,
        related=application,
        reference=application.receipt_number,
    )


RECEIVED_EVENT = f"application.{NotificationEvent.RECEIVED}"


def queue_received_in_statement(
    application: Application, *, source: str
) -> tuple[list[RowInsert], Callable[[], None]]:
    """notify_applicant(application, RECEIVED) for a submission written as one statement
    (intake): the rows that queue the mail and what to call after the statement has run."""
    return queue_in_statement(**_received_mail(application), source=source)


def _received_mail(application: Application) -> dict[str, Any]:
    user = application.applicant
    return {
        "to": user.email,
        "language": user.preferred_language or "ja",
        "event": RECEIVED_EVENT,
        "department_id": application.procedure.department_id,
        "related": application,
        "reference": application.receipt_number,
    }


def _render(
    application: Application,
    event: str,
    language: str,
    message: str = "",
    *,
    look_for_own: bool = True,
    status: str | None = None,
) -> tuple[str, str]:
    procedure = application.procedure
    override = (
        NotificationTemplate.objects.filter(procedure=procedure, event=event, language=language)
        .only("subject", "body")
        .first()
        if look_for_own
        else None
    )
    if override is not None:
        values = template_values(application, language, message, status=status)
        return sandbox.render(override.subject, values), sandbox.render(override.body, values)
    return render_template_files(
        DEFAULT_TEMPLATES[NotificationEvent(event)],
        {
            "application": application,
            "procedure": procedure,
            "user": application.applicant,
            "message": message,
        },
        language,
    )


def compose_received(email: OutboundEmail) -> tuple[str, str]:
    """The text of the mail that an application was received, written at delivery from the
    application as it is now, but with the status it had then (received)."""
    application = (
        Application.objects.select_related("procedure", "applicant")
        .filter(pk=email.related_id or 0)
        .first()
    )
    if application is None:
        raise NothingToCompose(f"application {email.related_id} no longer exists")
    return _render(
        application, NotificationEvent.RECEIVED, email.language, status=ApplicationStatus.RECEIVED
    )


def template_values(
    application: Application, language: str, message: str = "", *, status: str | None = None
) -> dict[str, str]:
    """The variables a procedure's template may use, as plain strings in `language`."""
    with translation.override(language):
        submitted = timezone.localtime(application.submitted_at)
        return {
            "name": application.applicant.display_name,
            "procedure": application.procedure.title_en
            if language == "en" and application.procedure.title_en
            else application.procedure.title_ja,
            "receipt_number": application.receipt_number,
            "submitted_at": formats.date_format(submitted, "Y-m-d H:i"),
            "due_date": wareki(application.due_date),
            "status": str(
                ApplicationStatus(status).label
                if status is not None
                else application.get_status_display()
            ),
            "message": message,
            "url": settings.JICHITAI_PUBLIC_URL.rstrip("/") + reverse("procedures:my_applications"),
        }


def save_template(
    actor: Any, procedure: Procedure, event: str, language: str, *, subject: str, body: str
) -> NotificationTemplate:
    """Set a procedure's own template for one event and language (差し替え).

    Raises `notification_template.invalid` naming the field when the template does not parse
    or uses a variable, tag or filter that is not allowed, and `notification_template.forbidden`
    unless the actor administers the procedure's department; nothing is saved then.
    """
    if not policies.can_edit_notification_templates(actor, procedure):
        raise DomainError(
            "notification_template.forbidden",
            _("この手続きのメール文面を変更する権限がありません。"),
        )
    with transaction.atomic():
        template = NotificationTemplate.objects.filter(
            procedure=procedure, event=event, language=language
        ).first() or NotificationTemplate(procedure=procedure, event=event, language=language)
        template.subject, template.body = subject, body
        try:
            template.full_clean(exclude=["procedure"])
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise DomainError("notification_template.invalid", messages[0], field=field) from error
        template.save()
        record_event(
            "notification_template.save",
            actor=actor,
            target=template,
            detail={"procedure": procedure.slug, "event": event, "language": language},
        )
    return template


def delete_template(actor: Any, template: NotificationTemplate) -> None:
    """Go back to the default wording for this event and language."""
    if not policies.can_edit_notification_templates(actor, template.procedure):
        raise DomainError(
            "notification_template.forbidden",
            _("この手続きのメール文面を変更する権限がありません。"),
        )
    with transaction.atomic():
        record_event(
            "notification_template.delete",
            actor=actor,
            target=template,
            detail={"event": template.event, "language": template.language},
        )
        template.delete()


def retry_delivery(actor: Any, email: OutboundEmail) -> None:
    """Send a failed message again now (再送). The caller has checked the actor may see it
    (policies.emails_visible_to_staff). Raises `notification.not_failed` when it is not failed
    (sent or retried meanwhile)."""
    with transaction.atomic():
        if not retry_now(email):
            raise DomainError(
                "notification.not_failed",
                _("このメールは送信失敗の状態ではないため、再送できません。"),
            )
        record_event("notification.retry", actor=actor, target=email, detail={"event": email.event})
