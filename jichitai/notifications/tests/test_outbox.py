"""The outbox: written with the change, delivered once, retried with backoff, swept."""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from jichitai.notifications import services
from jichitai.notifications.models import OutboundEmail
from jichitai.notifications.models import OutboundEmailStatus as S

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def _queue(**fields) -> OutboundEmail:
    values = {
        "to": "taro@example.jp",
        "subject": "件名",
        "body": "本文",
        "language": "ja",
        "event": "test",
    } | fields
    return services.queue_email(**values)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mail_server_down(smtp_inbox, settings):
    """The SMTP settings point at a port nobody listens on; `up()` brings the server back."""
    working = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()

    def up() -> None:
        settings.EMAIL_PORT = working

    smtp_inbox.up = up
    return smtp_inbox


class Boom(Exception):
    pass


def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        _queue()
        raise Boom
    assert not OutboundEmail.objects.exists()
    assert callbacks == [] and mail.outbox == []


def test_a_committed_message_is_sent_once_with_a_message_id_from_its_row(
    smtp_inbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(subject="受付\nしました")
    email.refresh_from_db()
    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == "taro@example.jp" and message["Subject"] == "受付 しました"
    assert message["Message-ID"] == email.message_id == f"<{email.key}@jichitai.outbox>"
    assert (email.status, email.attempts, email.last_error) == (S.SENT, 1, "")
    assert email.sent_at is not None and email.body == ""  # the text is not kept once sent


def test_mail_server_down_then_back_sends_exactly_one_copy(
    mail_server_down, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    email.refresh_from_db()
    assert email.status == S.QUEUED and email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.claimed_at is not None
    assert email.next_attempt_at == email.claimed_at + MINUTE
    # Not due yet: the sweeper leaves it alone.
    assert services.sweep(email.claimed_at + MINUTE / 2).sent == 0
    mail_server_down.up()
    assert services.sweep(email.next_attempt_at).sent == 1
    assert services.sweep(email.next_attempt_at + 60 * MINUTE).sent == 0
    assert len(mail_server_down.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (S.SENT, 2)


def test_backoff_schedule_then_failed(mail_server_down) -> None:
    email = _queue()
    now = email.next_attempt_at
    waits = []
    for _attempt in range(6):
        assert not services.deliver(email.pk, now)
        email.refresh_from_db()
        waits.append(email.next_attempt_at - now)
        now = email.next_attempt_at
    assert waits[:5] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=30),
        dt.timedelta(hours=2),
        dt.timedelta(hours=6),
    ]
    assert (email.status, email.attempts) == (S.FAILED, 6)
    # A failed message is not swept again, however late.
    mail_server_down.up()
    assert services.sweep(now + dt.timedelta(days=30)).sent == 0
    # Until someone retries it: then it goes out once.
    assert services.retry_now(email) and not services.retry_now(email)
    assert services.sweep().sent == 1
    assert len(mail_server_down.messages) == 1


def test_a_message_is_claimed_once() -> None:
    email = _queue()
    assert services.claim(email.pk) is not None
    assert services.claim(email.pk) is None
    assert not services.deliver(email.pk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_send_two_copies(smtp_inbox) -> None:
    if connection.vendor == "sqlite":
        # The SQLite test database is in memory with a shared cache, where a second writer
        # fails at once ("table is locked") instead of waiting: the race is run on PostgreSQL,
        # and test_a_message_is_claimed_once covers the claim on SQLite.
        pytest.skip("concurrent writers are exercised on PostgreSQL")
    # Rows as a crash after commit would leave them: queued, no task run yet.
    emails = [
        OutboundEmail.objects.create(
            recipient=f"r{n}@example.jp", subject="s", body="b", language="ja", event="test"
        )
        for n in range(5)
    ]
    start = threading.Barrier(4)
    sent: list[bool] = []

    def worker() -> None:
        start.wait()
        try:
            for email in emails:
                sent.append(services.deliver(email.pk))
            services.sweep()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sent.count(True) == 5
    assert sorted(m["To"] for m in smtp_inbox.messages) == sorted(e.recipient for e in emails)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {S.SENT}


def test_a_worker_that_died_while_sending_loses_nothing(smtp_inbox) -> None:
    email = _queue()
    assert services.claim(email.pk) is not None  # …and the worker was killed an hour ago
    OutboundEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    result = services.sweep()
    assert (result.released, result.sent) == (1, 1)
    assert len(smtp_inbox.wait_for(1)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (S.SENT, 2)


def test_a_sending_row_inside_its_lease_is_left_alone(smtp_inbox) -> None:
    email = _queue()
    services.claim(email.pk)
    assert services.sweep() == services.SweepResult()
    assert smtp_inbox.messages == []


def test_a_message_lost_in_sending_too_often_fails(settings) -> None:
    settings.NOTIFICATIONS_RETRY_DELAYS = [60]
    email = _queue()
    services.claim(email.pk)
    OutboundEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert services.sweep().released == 1  # one attempt of two used: released, then sent
    email.refresh_from_db()
    assert email.status == S.SENT
    other = _queue()
    OutboundEmail.objects.filter(pk=other.pk).update(
        status=S.SENDING, attempts=2, claimed_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert services.sweep().released == 0
    other.refresh_from_db()
    assert other.status == S.FAILED and "lease expired" in other.last_error


def test_the_sweeper_command_sends_what_is_due(capsys) -> None:
    _queue()
    call_command("send_due_notifications")
    assert "sent=1" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_prune_deletes_only_old_sent_messages(capsys) -> None:
    old, recent, waiting = _queue(), _queue(), _queue()
    for email in (old, recent):
        services.deliver(email.pk)
    OutboundEmail.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - dt.timedelta(days=91), created_at=timezone.now()
    )
    OutboundEmail.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    call_command("prune_notifications")
    assert "deleted=1 older_than_days=90" in capsys.readouterr().out
    assert set(OutboundEmail.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    call_command("prune_notifications", days=0)
    assert set(OutboundEmail.objects.values_list("pk", flat=True)) == {waiting.pk}


def test_a_message_whose_task_was_never_queued_is_sent_by_the_sweeper(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from jichitai.notifications import tasks

    class QueueDown:
        get_backend = tasks.deliver_outbound_email.get_backend  # a queue outside the database

        def enqueue(self, **kwargs) -> None:
            raise ConnectionError("task queue unavailable")

    monkeypatch.setattr(tasks, "deliver_outbound_email", QueueDown())
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()  # the change commits; the enqueue fails and is only logged
    email.refresh_from_db()
    assert (email.status, email.attempts) == (S.QUEUED, 0) and mail.outbox == []
    assert services.sweep().sent == 1
    assert len(mail.outbox) == 1


@pytest.fixture
def database_task_queue(settings):
    """The production task backend: tasks are rows in this database (`make worker` runs them)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_with_the_database_queue_the_task_commits_with_the_message(
    database_task_queue, django_capture_on_commit_callbacks
) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        email = _queue()
        # Written in the same transaction as the message: nothing waits for the commit.
        [task] = DBTaskResult.objects.all()
    assert callbacks == []
    assert task.task_path == "jichitai.notifications.tasks.deliver_outbound_email"
    assert task.args_kwargs == {"args": [], "kwargs": {"email_id": email.pk}}
    assert mail.outbox == []  # the worker sends it, not the request


def test_with_the_database_queue_a_rolled_back_change_leaves_no_task(
    database_task_queue,
) -> None:
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(Boom), transaction.atomic():
        _queue()
        raise Boom
    assert not OutboundEmail.objects.exists() and not DBTaskResult.objects.exists()


@pytest.fixture
def composer(monkeypatch):
    """A composer for the event "test.later", writing from the related row (here: a user)."""
    from jichitai.notifications import composers

    monkeypatch.setattr(composers, "_COMPOSERS", dict(composers._COMPOSERS))

    def compose(email: OutboundEmail) -> tuple[str, str]:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=email.related_id or 0).first()
        if user is None:
            raise composers.NothingToCompose("gone")
        return f"{user.display_name} 様\nへ", f"本文 {email.language}"

    composers.register("test.later", compose, "テスト通知")


def test_a_message_composed_at_delivery_is_written_by_the_worker_and_keeps_its_subject(
    composer, make_user, smtp_inbox
) -> None:
    user = make_user("resident", display_name="区民 花子")
    with transaction.atomic():
        email = services.queue_composed_at_delivery(
            to=user.email, language="en", event="test.later", related=user, reference="R1"
        )
        # In the request only the row naming what to write: no text yet.
        email.refresh_from_db()
        assert (email.composed, email.subject, email.body) == (False, "", "")
        assert email.display_subject == "テスト通知（送信時に作成）"
    assert services.sweep().sent == 1
    [message] = smtp_inbox.wait_for(1)
    assert message["Subject"] == "区民 花子 様 へ" and message["To"] == user.email
    email.refresh_from_db()
    assert (email.status, email.composed, email.subject, email.body) == (
        S.SENT,
        True,
        "区民 花子 様 へ",
        "",  # erased once sent, as every body is
    )
    assert email.display_subject == email.subject


def test_a_composed_message_whose_send_failed_is_sent_again_with_the_same_text(
    composer, make_user, mail_server_down
) -> None:
    user = make_user("resident", display_name="区民 花子")
    email = services.queue_composed_at_delivery(
        to=user.email, language="ja", event="test.later", related=user
    )
    assert not services.deliver(email.pk)
    email.refresh_from_db()
    assert (email.status, email.composed, email.subject, email.body) == (
        S.QUEUED,
        True,
        "区民 花子 様 へ",
        "本文 ja",
    )
    user.display_name = "別の 名前"
    user.save()
    mail_server_down.up()
    assert services.sweep(email.next_attempt_at).sent == 1
    [message] = mail_server_down.wait_for(1)
    assert message["Subject"] == "区民 花子 様 へ"


def test_a_message_that_cannot_be_composed_is_retried_then_fails_and_sends_nothing(
    composer, make_user, settings
) -> None:
    settings.NOTIFICATIONS_RETRY_DELAYS = [60]
    unknown = _queue()
    OutboundEmail.objects.filter(pk=unknown.pk).update(composed=False, subject="", body="")
    assert not services.deliver(unknown.pk)
    unknown.refresh_from_db()
    assert unknown.status == S.QUEUED and "NothingToCompose" in unknown.last_error
    assert "test" in unknown.display_subject  # no composer: the event's name
    assert not services.deliver(unknown.pk, unknown.next_attempt_at)
    unknown.refresh_from_db()
    assert (unknown.status, unknown.composed) == (S.FAILED, False) and mail.outbox == []


def test_with_the_database_queue_a_message_composed_later_commits_with_its_task(
    database_task_queue, composer, make_user
) -> None:
    from django_tasks_db.models import DBTaskResult

    user = make_user("resident")
    with transaction.atomic():
        email = services.queue_composed_at_delivery(
            to=user.email, language="ja", event="test.later", related=user
        )
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs == {"args": [], "kwargs": {"email_id": email.pk}}
    assert (task.status, task.queue_name, task.backend_name) == ("READY", "default", "default")
    stored = OutboundEmail.objects.get(pk=email.pk)
    assert (stored.recipient, stored.related_id, stored.composed) == (user.email, user.pk, False)
    assert stored.key == email.key and stored.status == S.QUEUED


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_the_task_worker_sends_a_message_composed_later(
    database_task_queue, composer, make_user, smtp_inbox
) -> None:
    """The task row written with the message (in one statement on PostgreSQL) is the one the
    django-tasks worker runs: it writes the text and sends it."""
    from django_tasks_db.models import DBTaskResult

    user = make_user("resident", display_name="区民 花子")
    with transaction.atomic():
        email = services.queue_composed_at_delivery(
            to=user.email, language="ja", event="test.later", related=user
        )
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    [message] = smtp_inbox.wait_for(1)
    assert message["Subject"] == "区民 花子 様 へ"
    assert message["Message-ID"] == email.message_id
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    email.refresh_from_db()
    assert (email.status, email.subject) == (S.SENT, "区民 花子 様 へ")
