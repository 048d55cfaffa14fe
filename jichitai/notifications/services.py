"""Writing to the outbox and delivering from it.

Delivery is at least once, never two copies from two workers: a message is claimed by one
conditional UPDATE (queued → sending) before it is sent, so concurrent workers and the sweeper
cannot both send it. What cannot be ruled out is a crash after the SMTP server accepted the
message but before the row is marked `sent`: the lease expires and the message is sent again.
That copy carries the same Message-ID, so mail clients and servers can recognise it.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import connection, models, router, transaction
from django.db.models import F
from django.utils import timezone

from jichitai.core.combined_insert import RowInsert, insert_values, row_insert
from jichitai.core.id_blocks import IdBlocks
from jichitai.core.rows import fetch_inserted
from jichitai.notifications import composers, conf
from jichitai.notifications.models import OutboundEmail
from jichitai.notifications.models import OutboundEmailStatus as S

logger = logging.getLogger(__name__)
MAX_ERROR = 1000


def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    language: str,
    event: str,
    department_id: int | None = None,
    related: models.Model | None = None,
    reference: str = "",
) -> OutboundEmail:
    """Put one message in the outbox and deliver it after the surrounding transaction commits.

    Call it inside the transaction that makes the change the message is about: a rollback
    leaves no message, and a crash after the commit leaves a queued row the sweeper sends.
    """
    return _queue(
        _outbox_row(to, language, event, department_id, related, reference),
        composers.one_line(subject),
        body,
    )


def queue_composed_at_delivery(
    *,
    to: str,
    language: str,
    event: str,
    related: models.Model,
    department_id: int | None = None,
    reference: str = "",
) -> OutboundEmail:
    """Like queue_email, for a message the composer registered for `event` writes from
    `related` when it is sent: the request only writes a row naming what to write."""
    return _queue(
        _outbox_row(to, language, event, department_id, related, reference), composed=False
    )


def queue_in_statement(
    *,
    to: str,
    language: str,
    event: str,
    related: models.Model,
    department_id: int | None = None,
    reference: str = "",
    source: str,
) -> tuple[list[RowInsert], Callable[[], None]]:
    """queue_composed_at_delivery for a change written as one statement in autocommit
    (core.combined_insert): the rows that queue the message, selecting from `source`, and
    what to call once that statement has run (it enqueues the delivery when the task queue is
    not in this database; otherwise the task row is one of the rows)."""
    from jichitai.notifications.tasks import deliver_outbound_email

    email = _outbox_row(to, language, event, department_id, related, reference)
    email.composed = False
    (email.pk,) = _EMAIL_IDS.take(1)
    rows = [row_insert(email, source=source)]
    if not _queue_commits_with(deliver_outbound_email.get_backend()):
        return rows, functools.partial(_enqueue_on_commit, email.pk)
    task_result = _task_result(deliver_outbound_email)
    task_result.args_kwargs = {"args": [], "kwargs": {"email_id": email.pk}}
    rows.append(row_insert(task_result, source=source))
    return rows, _nothing


def _nothing() -> None:
    pass


_EMAIL_IDS = IdBlocks(OutboundEmail)


def _outbox_row(
    to: str,
    language: str,
    event: str,
    department_id: int | None,
    related: models.Model | None,
    reference: str,
) -> OutboundEmail:
    return OutboundEmail(
        recipient=to,
        language=language,
        event=event,
        department_id=department_id,
        related_type=ContentType.objects.get_for_model(related) if related is not None else None,
        related_id=related.pk if related is not None else None,
        reference=reference,
    )


def _queue(
    email: OutboundEmail, subject: str = "", body: str = "", *, composed: bool = True
) -> OutboundEmail:
    # Imported here: the task module imports this one.
    from jichitai.notifications.tasks import deliver_outbound_email

    email.subject, email.body, email.composed = subject, body, composed
    if _queue_commits_with(deliver_outbound_email.get_backend()):
        # The task row is written in the caller's transaction: it commits with the message
        # (one commit per change instead of two) and a rollback takes both away.
        if connection.vendor == "postgresql":
            _insert_with_task(email, deliver_outbound_email)
        else:
            email.save(force_insert=True)
            deliver_outbound_email.enqueue(email_id=email.pk)
        return email
    email.save(force_insert=True)
    _enqueue_on_commit(email.pk)
    return email


def _insert_with_task(email: OutboundEmail, task: Any) -> None:
    """Insert the message and the task that delivers it in one hand-written statement (every
    submission sends one: the two ORM inserts cost more than running them). The task row is
    the one django-tasks' DatabaseBackend.enqueue writes, with the message's ID in its
    arguments. The task_enqueued signal is not sent (nothing here listens to it)."""
    result = _task_result(task)  # its arguments are written by the statement, around the ID
    (email.pk,) = fetch_inserted(
        _outbox_and_task_statement(),
        [*insert_values(email, _OUTBOX_FIELDS), *insert_values(result, _task_fields())],
    )
    email._state.adding = False
    email._state.db = connection.alias


def _task_result(task: Any) -> Any:
    """The unsaved row django-tasks' DatabaseBackend.enqueue writes for `task`, without its
    arguments."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=None,
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(),
        backend_name=backend.alias,
    )


_OUTBOX_FIELDS = [field for field in OutboundEmail._meta.concrete_fields if not field.primary_key]


def _task_fields() -> list[models.Field]:
    from django_tasks_db.models import DBTaskResult

    return [f for f in DBTaskResult._meta.concrete_fields if f.attname != "args_kwargs"]


@functools.cache
def _outbox_and_task_statement() -> str:
    from django_tasks_db.models import DBTaskResult

    name = connection.ops.quote_name
    outbox_columns = ", ".join(name(field.column) for field in _OUTBOX_FIELDS)
    task_columns = ", ".join(name(field.column) for field in _task_fields())
    return (
        f"WITH email AS (INSERT INTO {name(OutboundEmail._meta.db_table)} ({outbox_columns})"  # noqa: S608  (our names, bound values)
        f" VALUES ({', '.join(['%s'] * len(_OUTBOX_FIELDS))}) RETURNING id),"
        f" task AS (INSERT INTO {name(DBTaskResult._meta.db_table)}"
        f" ({task_columns}, {name('args_kwargs')})"
        f" SELECT {', '.join(['%s'] * len(_task_fields()))},"
        f" jsonb_build_object('args', jsonb_build_array(),"
        f" 'kwargs', jsonb_build_object('email_id', email.id))"
        f" FROM email)"
        f" SELECT id FROM email"
    )


def _enqueue_on_commit(email_id: int) -> None:
    # Imported here: the task module imports this one.
    from jichitai.notifications.tasks import deliver_outbound_email

    if _queue_commits_with(deliver_outbound_email.get_backend()):
        deliver_outbound_email.enqueue(email_id=email_id)
        return

    def enqueue() -> None:
        try:
            deliver_outbound_email.enqueue(email_id=email_id)
        except Exception:
            # The row is committed and due: the sweeper sends it. The change the user made
            # must not fail because the task queue did.
            logger.exception("could not enqueue outbound e-mail %s", email_id)

    transaction.on_commit(enqueue)


def _queue_commits_with(backend: object) -> bool:
    """True when the task backend stores tasks in the database the outbox is in (the
    django-tasks database backend), so a task can be queued inside the outbox's transaction.
    A queue there fails only when that database does, and then the change fails with it.
    Any other backend (an immediate one in tests, a broker) is called after the commit."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return isinstance(backend, DatabaseBackend) and router.db_for_write(
        DBTaskResult
    ) == router.db_for_write(OutboundEmail)


def claim(email_id: int, now: dt.datetime | None = None) -> OutboundEmail | None:
    """Take a due, queued message for sending (queued → sending); None if it is not due or
    another worker has it. One UPDATE with the old state in its WHERE clause: of two workers,
    exactly one changes the row, on SQLite and PostgreSQL alike."""
    now = now or timezone.now()
    taken = OutboundEmail.objects.filter(
        pk=email_id, status=S.QUEUED, next_attempt_at__lte=now
    ).update(status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not taken:
        return None
    return OutboundEmail.objects.get(pk=email_id)


def deliver(email_id: int, now: dt.datetime | None = None) -> bool:
    """Claim and send one message; True if this call sent it.

    A message not written yet is written first (composers), and its text is kept with the
    row from then on: the log shows its subject, and a retry sends the same text. An SMTP
    failure, or a message that cannot be written, is recorded on the row with the time of the
    next attempt (or `failed` after the last); it is never raised, so the caller's work goes on.
    """
    email = claim(email_id, now)
    if email is None:
        return False
    written: dict[str, Any] = {}
    try:
        if not email.composed:
            email.subject, email.body = composers.compose(email)
            written = {"subject": email.subject, "body": email.body, "composed": True}
        _send(email)
    except Exception as error:  # SMTP errors, refused connections, timeouts, bad addresses
        _record_failure(email, error, written)
        return False
    # Only the claimer marks it, and only while its claim stands.
    OutboundEmail.objects.filter(pk=email.pk, status=S.SENDING, claimed_at=email.claimed_at).update(
        status=S.SENT,
        sent_at=timezone.now(),
        subject=email.subject,
        composed=True,
        body="",
        last_error="",
    )
    return True


def _send(email: OutboundEmail) -> None:
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.recipient],
        headers={"Message-ID": email.message_id},
    )
    message.send(fail_silently=False)


def next_attempt_after(attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again after `attempts` failed attempts; None when there are no more."""
    delays = conf.retry_delays()
    if attempts > len(delays):
        return None
    return now + delays[attempts - 1]


def _record_failure(
    email: OutboundEmail, error: Exception, written: dict[str, Any] | None = None
) -> None:
    # Counted from the claim, so a sweep run "as of" a time schedules from that time.
    now = email.claimed_at or timezone.now()
    retry_at = next_attempt_after(email.attempts, now)
    text = f"{type(error).__name__}: {error}"[:MAX_ERROR]
    logger.warning("outbound e-mail %s attempt %s failed: %s", email.pk, email.attempts, text)
    OutboundEmail.objects.filter(pk=email.pk, status=S.SENDING, claimed_at=email.claimed_at).update(
        **(written or {}),
        status=S.QUEUED if retry_at else S.FAILED,
        next_attempt_at=retry_at or now,
        last_error=text,
    )


@dataclass
class SweepResult:
    released: int = 0
    sent: int = 0
    not_sent: int = 0


def sweep(now: dt.datetime | None = None, limit: int = 200) -> SweepResult:
    """Send what is due: messages whose task never ran, retries whose time has come, and
    messages whose sender died while sending (their lease expired)."""
    now = now or timezone.now()
    result = SweepResult()
    stale = OutboundEmail.objects.filter(status=S.SENDING, claimed_at__lt=now - conf.lease())
    lost = "lease expired: the worker stopped while sending"
    result.released = stale.filter(attempts__lt=conf.max_attempts()).update(
        status=S.QUEUED, next_attempt_at=now, last_error=lost
    )
    stale.update(status=S.FAILED, last_error=lost)
    due = list(
        OutboundEmail.objects.filter(status=S.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for email_id in due:
        if deliver(email_id, now):
            result.sent += 1
        else:
            result.not_sent += 1
    return result


def retry_now(email: OutboundEmail) -> bool:
    """Give a failed message a new round of attempts, starting now; False if it was not
    failed (someone else retried it, or it was sent meanwhile)."""
    with transaction.atomic():
        changed = OutboundEmail.objects.filter(pk=email.pk, status=S.FAILED).update(
            status=S.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        if changed:
            _enqueue_on_commit(email.pk)
    return bool(changed)


def prune_sent(older_than_days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete sent messages older than the retention (NOTIFICATIONS_KEEP_SENT_DAYS)."""
    days = conf.keep_sent_days() if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = OutboundEmail.objects.filter(status=S.SENT, sent_at__lt=cutoff).delete()
    return deleted
