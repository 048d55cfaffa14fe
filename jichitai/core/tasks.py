"""Background tasks of the core: sending one e-mail."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def deliver_email(to: str, subject: str, body: str) -> None:
    """Send one message to one recipient (never a list: one person's mail is theirs alone)."""
    EmailMessage(subject=subject, body=body, to=[to]).send(fail_silently=False)
