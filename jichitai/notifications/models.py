"""The outbox (送信待ちメール): one row per message to one recipient, written in the same
transaction as the change that causes it, then delivered and retried by background work."""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmailStatus(models.TextChoices):
    QUEUED = "queued", _("送信待ち")
    SENDING = "sending", _("送信中")
    SENT = "sent", _("送信済み")
    FAILED = "failed", _("送信失敗")


class OutboundEmail(models.Model):
    """One e-mail to one recipient, and its delivery state.

    `key` names the message in its Message-ID header, so a copy sent twice after a crash is
    recognisable as the same message. The body is erased once sent: the log keeps who was told
    what kind of thing and when, not the text (which may hold personal data or one-time links).
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    # False while the text is still to be written: the composer registered for `event`
    # writes it from the related object when the message is sent (see composers).
    composed = models.BooleanField(default=True)
    language = models.CharField(max_length=8)
    event = models.CharField(max_length=64, help_text="template or event name")
    # The department whose staff may see this message in the delivery log; none for account
    # mail (verification, password reset), which no department handles.
    # No index of their own on the two foreign keys: outbox_department and outbox_related
    # begin with them (every message written updates one index fewer each).
    department = models.ForeignKey(
        "core.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    related_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    related_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=64, blank=True, help_text="e.g. a receipt number")
    status = models.CharField(
        max_length=16, choices=OutboundEmailStatus.choices, default=OutboundEmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "outbound e-mail"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["department", "-created_at"], name="outbox_department"),
            models.Index(fields=["related_type", "related_id"], name="outbox_related"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=OutboundEmailStatus.SENT)
                | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient} ({self.status})"

    @property
    def display_subject(self) -> str:
        """The subject, or what the message is while its text is not written yet."""
        if self.composed:
            return self.subject
        from jichitai.notifications.composers import describe

        return _("%(description)s（送信時に作成）") % {"description": describe(self.event)}

    @property
    def message_id(self) -> str:
        return f"<{self.key}@jichitai.outbox>"
