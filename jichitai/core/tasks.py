"""Background tasks of the core.

`deliver_email` is kept only so tasks queued before the outbox existed still run after an
upgrade; new mail goes through jichitai.notifications (an outbox row, then its ID as the task).
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def deliver_email(to: str, subject: str, body: str) -> None:
    """Send one message to one recipient (never a list: one person's mail is theirs alone)."""
    EmailMessage(subject=subject, body=body, to=[to]).send(fail_silently=False)
