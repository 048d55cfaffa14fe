"""Identity verification reads."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jichitai.accounts.models import IdentityVerification


def current_verification(user: Any) -> IdentityVerification | None:
    """The user's latest verification that has not expired, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        IdentityVerification.objects.filter(user=user, expires_at__gt=timezone.now())
        .order_by("-verified_at")
        .first()
    )


def verified_level(user: Any) -> str:
    """The identity level (本人確認の水準) a current verification gives the user; "" if none."""
    verification = current_verification(user)
    return verification.level if verification else ""
