"""Prints, as JSON, what a scratch database holds after a fault test: each application with
its attachments (and whether their files exist), audit entry and confirmation mail (outbox row
with its delivery task), and anything left half-made.
Run in a subprocess with the server's environment (see test_kill_during_submission)."""

from __future__ import annotations

import json

import django


def main() -> None:
    django.setup()
    from django.core.files.storage import default_storage
    from django_tasks_db.models import DBTaskResult

    from jichitai.governance.models import AuditEvent
    from jichitai.notifications.models import OutboundEmail
    from jichitai.procedures.models import Application, Attachment

    audited = {
        event.detail.get("receipt_number")
        for event in AuditEvent.objects.filter(action="application.submit")
    }
    tasked = {
        task.args_kwargs["kwargs"]["email_id"]
        for task in DBTaskResult.objects.filter(task_path__endswith="deliver_outbound_email")
    }
    mailed = {
        email.reference
        for email in OutboundEmail.objects.filter(event="application.received")
        if email.pk in tasked
    }
    applications = {
        application.receipt_number: {
            "key": application.idempotency_key,
            "procedure": application.procedure.slug,
            "attachments": [
                default_storage.exists(attachment.storage_name)
                for attachment in application.attachments.all()
            ],
            "audited": application.receipt_number in audited,
            "mailed": application.receipt_number in mailed,
        }
        for application in Application.objects.select_related("procedure").prefetch_related(
            "attachments"
        )
    }
    print(
        json.dumps(
            {
                "applications": applications,
                "audited_without_application": sorted(audited - set(applications)),
                "loose_attachments": Attachment.objects.filter(application=None).count(),
            }
        )
    )


if __name__ == "__main__":
    main()
