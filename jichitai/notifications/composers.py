"""Messages whose text is written at delivery, not in the request that causes them.

A domain app registers a composer for an event (`register`): given the outbox row, it returns
the subject and body, read from the object the row is about (related_type, related_id) in the
row's language. The request then writes only a small row naming the event and the object
(services.queue_composed_at_delivery), and the worker renders the text when it sends it. Until
then the delivery log shows the composer's description instead of a subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from jichitai.notifications.models import OutboundEmail


@dataclass(frozen=True)
class Composer:
    compose: Callable[[OutboundEmail], tuple[str, str]]
    # What the message is, for the delivery log before its subject is written.
    description: str | Promise


_COMPOSERS: dict[str, Composer] = {}


class NothingToCompose(LookupError):
    """No composer for the event, or the object the message is about is gone."""


def register(
    event: str, compose: Callable[[OutboundEmail], tuple[str, str]], description: str | Promise
) -> None:
    """Have messages for `event` written at delivery by `compose`. Call it when the app is
    ready (AppConfig.ready), so the task worker and the sweeper know it too."""
    _COMPOSERS[event] = Composer(compose, description)


def compose(email: OutboundEmail) -> tuple[str, str]:
    """The subject (on one line, at most 255 characters) and body of a message not yet written.
    Raises NothingToCompose when it cannot be written."""
    composer = _COMPOSERS.get(email.event)
    if composer is None:
        raise NothingToCompose(f"no composer is registered for {email.event!r}")
    subject, body = composer.compose(email)
    return one_line(subject), body


def describe(event: str) -> str:
    composer = _COMPOSERS.get(event)
    return str(composer.description) if composer is not None else event


def one_line(subject: str) -> str:
    return " ".join(subject.split())[:255]
