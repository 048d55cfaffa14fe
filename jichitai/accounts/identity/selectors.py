"""Identity verification reads."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jichitai.accounts.models import IdentityVerification

# Submitting asks several times (may they apply, which level to store, which evidence); the
# answer is kept on the request's user object so it costs one query per request.
_CACHE_ATTRIBUTE = "_current_identity_verification"


def current_verification(user: Any) -> IdentityVerification | None:
    """The user's latest verification that has not expired, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None and cached[0] is not None and cached[0].expires_at <= timezone.now():
        cached = None  # It expired while the request was running.
    if cached is None:
        found = (
            IdentityVerification.objects.filter(user=user, expires_at__gt=timezone.now())
            .order_by("-verified_at")
            .first()
        )
        cached = (found,)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached[0]


def forget_current_verification(user: Any) -> None:
    """After a new verification, the next question reads the database again."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def verified_level(user: Any) -> str:
    """The identity level (本人確認の水準) a current verification gives the user; "" if none."""
    verification = current_verification(user)
    return verification.level if verification else ""
