"""Sign-in throttling (ASVS 6.3.1): slow guessing down without locking anyone out for good.

Failures are counted per account and per client address over a sliding window kept in the
database, so every app server process sees the same counts. Past the limit, attempts are
refused (HTTP 429) until the oldest failure leaves the window.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.utils import timezone

from jichitai.accounts.models import SignInFailure


def _keys(email: str, ip: str | None) -> list[tuple[str, int]]:
    # The account key is hashed: the table must not become a list of e-mail addresses.
    account = "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    keys = [(account, settings.JICHITAI_SIGN_IN_FAILURES_PER_ACCOUNT)]
    if ip:
        keys.append((f"ip:{ip}", settings.JICHITAI_SIGN_IN_FAILURES_PER_IP))
    return keys


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.JICHITAI_SIGN_IN_WINDOW)


def retry_after(email: str, ip: str | None) -> int:
    """Seconds until another attempt is allowed; 0 when one is allowed now."""
    start = _window_start()
    wait = 0
    for key, limit in _keys(email, ip):
        recent = list(
            SignInFailure.objects.filter(key=key, occurred_at__gt=start)
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            # The window frees a slot when the oldest of the last `limit` failures leaves it.
            frees_at = recent[-1] + dt.timedelta(seconds=settings.JICHITAI_SIGN_IN_WINDOW)
            wait = max(wait, int((frees_at - timezone.now()).total_seconds()) + 1)
    return wait


def record_failure(email: str, ip: str | None) -> None:
    SignInFailure.objects.filter(occurred_at__lte=_window_start()).delete()
    SignInFailure.objects.bulk_create([SignInFailure(key=key) for key, _ in _keys(email, ip)])


def clear_account(email: str) -> None:
    """Forget an account's failures after it signs in (the address's failures stay)."""
    account_key, _ = _keys(email, None)[0]
    SignInFailure.objects.filter(key=account_key).delete()
