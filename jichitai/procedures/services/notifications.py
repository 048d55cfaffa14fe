"""Telling applicants by mail (通知): received, correction requested, decided.

Each message is written to the outbox in the caller's transaction. Its text comes from the
procedure's own template for the event and language (NotificationTemplate) when there is one,
otherwise from the default template files.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.core.templatetags.jichitai_dates import wareki
from jichitai.governance.services import record_event
from jichitai.notifications import sandbox
from jichitai.notifications.mail import render_template_files
from jichitai.notifications.models import OutboundEmail
from jichitai.notifications.services import queue_email, retry_now
from jichitai.procedures import policies
from jichitai.procedures.models import (
    Application,
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
    inside the transaction that made the change."""
    user = application.applicant
    language = user.preferred_language or "ja"
    procedure = application.procedure
    override = (
        NotificationTemplate.objects.filter(procedure=procedure, event=event, language=language)
        .only("subject", "body")
        .first()
        # selectors.procedure_for_intake says when the procedure has none of its own.
        if getattr(procedure, "has_own_mail_templates", True)
        else None
    )
    if override is not None:
        values = template_values(application, language, message)
        subject = sandbox.render(override.subject, values)
        body = sandbox.render(override.body, values)
    else:
        subject, body = render_template_files(
            DEFAULT_TEMPLATES[NotificationEvent(event)],
            {"application": application, "procedure": procedure, "user": user, "message": message},
            language,
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


def template_values(application: Application, language: str, message: str = "") -> dict[str, str]:
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
            "status": str(application.get_status_display()),
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
