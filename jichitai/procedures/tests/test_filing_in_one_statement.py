"""An API submission on PostgreSQL outside any transaction, as the server runs it: the
application, its attachments, its confirmation mail (outbox row and delivery task) and its
audit entry are one statement, which is its own transaction
(application_rows.write_in_one_statement)."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jichitai.governance.models import AuditEvent
from jichitai.governance.selectors import verify_chain
from jichitai.notifications.models import OutboundEmail
from jichitai.procedures.models import Application, Attachment
from jichitai.procedures.services import intake
from jichitai.procedures.tests.conftest import open_with_form
from jichitai.procedures.tests.test_api_applications import ANSWERS, FORM, bearer, post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="one statement with data-modifying WITH parts is PostgreSQL's",
    ),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def procedure(catalogue):
    return open_with_form(catalogue["jido"], FORM)


def test_the_whole_application_is_written_by_one_statement(
    client, procedure, make_user, settings
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS  # the delivery task is a row, as in production
    resident = make_user("resident")
    headers = bearer(resident)
    post(client, headers, answers=ANSWERS | {"household_ref": "H-0100"})  # IDs drawn, heads made
    with CaptureQueriesContext(connection) as queries:
        response = post(client, headers, answers=ANSWERS | {"household_ref": "H-0101"})
    assert response.status_code == 201, response.json()
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("WITH head AS")  # no BEGIN, no COMMIT

    application = Application.objects.get(receipt_number=response.json()["receipt_number"])
    attachment = Attachment.objects.get(application=application)
    assert attachment.owner == resident and attachment.original_name == "通帳.png"
    email = OutboundEmail.objects.get(related_id=application.pk)
    assert (email.recipient, email.reference, email.composed) == (
        resident.email,
        application.receipt_number,
        False,
    )
    task = DBTaskResult.objects.get(args_kwargs__kwargs__email_id=email.pk)
    assert task.status == "READY"
    event = AuditEvent.objects.get(action="application.submit", object_id=str(application.pk))
    assert event.detail["receipt_number"] == application.receipt_number
    assert verify_chain().ok


def test_the_confirmation_is_delivered_once_the_statement_has_run(
    client, procedure, make_user, smtp_inbox
) -> None:
    # A task queue outside the database (here: run at once) is called after the statement.
    response = post(client, bearer(make_user("resident")))
    assert response.status_code == 201, response.json()
    email = OutboundEmail.objects.get()
    assert email.status == "sent"
    assert response.json()["receipt_number"] in smtp_inbox.messages[0].get_content()


def test_an_attempt_that_lost_its_receipt_number_left_nothing(
    client, procedure, make_user, monkeypatch
) -> None:
    taken = post(client, bearer(make_user("resident"))).json()["receipt_number"]
    draws = iter([taken, "7KXM-3RFA"])
    monkeypatch.setattr(intake, "new_receipt_number", lambda: next(draws))
    resident = make_user("resident")
    response = post(client, bearer(resident), answers=ANSWERS | {"household_ref": "H-0002"})
    assert response.status_code == 201, response.json()
    assert response.json()["receipt_number"] == "7KXM-3RFA"
    mine = Application.objects.get(applicant=resident)
    assert Attachment.objects.filter(owner=resident).count() == 1
    assert OutboundEmail.objects.filter(related_id=mine.pk).count() == 1
    assert OutboundEmail.objects.count() == 2
    assert AuditEvent.objects.filter(action="application.submit").count() == 2
    assert verify_chain().ok
