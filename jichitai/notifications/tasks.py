"""Background task: deliver one message from the outbox."""

from __future__ import annotations

from django_tasks import task

from jichitai.notifications import services


@task()
def deliver_outbound_email(email_id: int) -> bool:
    """Send outbox row `email_id` if it is still queued and due. The task carries only the
    ID: the row is the truth, so a task run twice, or late, sends nothing twice."""
    return services.deliver(email_id)
