"""Delivery settings, each overridable in Django settings (see README, "Mail")."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

# Waits before the 2nd, 3rd, … attempt; after the last one fails, the message is `failed`.
DEFAULT_RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600)


def retry_delays() -> tuple[dt.timedelta, ...]:
    seconds = getattr(settings, "NOTIFICATIONS_RETRY_DELAYS", DEFAULT_RETRY_DELAYS)
    return tuple(dt.timedelta(seconds=s) for s in seconds)


def max_attempts() -> int:
    return len(retry_delays()) + 1


def lease() -> dt.timedelta:
    """How long a claimed message may stay `sending` before it is assumed lost with its
    worker. Far longer than one SMTP conversation (EMAIL_TIMEOUT) so a slow send is not
    taken over while it is still running."""
    return dt.timedelta(seconds=getattr(settings, "NOTIFICATIONS_LEASE_SECONDS", 600))


def keep_sent_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_KEEP_SENT_DAYS", 90))
