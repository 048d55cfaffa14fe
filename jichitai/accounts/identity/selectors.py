"""Identity verification reads."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from jichitai.accounts.models import IdentityVerification
from jichitai.core.rows import all_fields, fetch_instance, model_columns

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
        # Asked on every submission: a hand-written statement costs a fifth of the ORM's.
        found = fetch_instance(
            IdentityVerification,
            _CURRENT_STATEMENT,
            [user.pk, connection.ops.adapt_datetimefield_value(timezone.now())],
            all_fields(IdentityVerification),
        )
        cached = (found,)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached[0]


_CURRENT_STATEMENT = (
    f"SELECT {model_columns(IdentityVerification, all_fields(IdentityVerification), 'v')}"  # noqa: S608  (our names)
    f" FROM {IdentityVerification._meta.db_table} v"
    f" WHERE user_id = %s AND expires_at > %s ORDER BY verified_at DESC LIMIT 1"
)


def current_verification_join(user_id_column: str, alias: str) -> str:
    """A LEFT JOIN that adds the current verification of the user whose ID is in
    `user_id_column`, as `alias` (all NULL when there is none), for a statement that reads the
    user anyway; its one parameter is the current time. The result goes to
    remember_current_verification."""
    table = IdentityVerification._meta.db_table
    return (
        f" LEFT JOIN {table} {alias} ON {alias}.id = (SELECT c.id FROM {table} c"  # noqa: S608  (our names)
        f" WHERE c.user_id = {user_id_column} AND c.expires_at > %s"
        f" ORDER BY c.verified_at DESC LIMIT 1)"
    )


def remember_current_verification(user: Any, verification: IdentityVerification | None) -> None:
    """Keep the current verification a statement read with the user (current_verification_join),
    so that current_verification does not ask again in this request."""
    setattr(user, _CACHE_ATTRIBUTE, (verification,))


def forget_current_verification(user: Any) -> None:
    """After a new verification, the next question reads the database again."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def verified_level(user: Any) -> str:
    """The identity level (本人確認の水準) a current verification gives the user; "" if none."""
    verification = current_verification(user)
    return verification.level if verification else ""
