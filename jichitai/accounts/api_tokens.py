"""Personal API tokens: made and revoked by their owner, checked on every API request.

A token reads `jt_<random>`; the first characters are kept as a prefix so people can tell their
tokens apart in a list without the token itself ever being stored.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.accounts.identity import selectors as identity_selectors
from jichitai.accounts.models import ApiToken, IdentityVerification, User
from jichitai.core.errors import DomainError
from jichitai.core.rows import all_fields, fetch_row, instance_from, model_columns
from jichitai.governance.services import record_event

TOKEN_PREFIX = "jt_"  # noqa: S105 (a visible marker, not a secret)
LIFETIMES_DAYS = (30, 90, 365)
MAX_ACTIVE_TOKENS = 10
# How stale last_used_at may get before it is written again (one write per token per minute,
# not one per request).
_LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, *, name: str, days: int, staff_scope: bool = False
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the token text, which is never shown again.

    `staff_scope` marks a token made by staff after their second factor: only such a token
    lets a program act as verified staff (see ADR 0009)."""
    if staff_scope and not user.is_staff_member:
        staff_scope = False
    name = " ".join(name.split())
    if not name or len(name) > 60:
        raise DomainError("token.name", _("名前を60文字以内で入力してください。"), field="name")
    if days not in LIFETIMES_DAYS:
        raise DomainError("token.lifetime", _("有効期間を選んでください。"), field="days")
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(
            user=user, revoked_at=None, expires_at__gt=timezone.now()
        )
        if len(active) >= MAX_ACTIVE_TOKENS:
            raise DomainError(
                "token.too_many",
                _("有効なトークンは%(max)d個までです。使っていないものを無効にしてください。")
                % {"max": MAX_ACTIVE_TOKENS},
            )
        text = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=text[:10],
            digest=_digest(text),
            expires_at=timezone.now() + dt.timedelta(days=days),
            staff_scope=staff_scope,
        )
        record_event(
            "api_token.create",
            actor=user,
            target=token,
            detail={"days": days, "staff_scope": staff_scope},
        )
    return token, text


def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens (someone else's is not found)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise DomainError("token.not_found", _("トークンが見つかりません。"))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event("api_token.revoke", actor=user, target=token)


def user_for_token(text: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, expired, revoked, or
    the account is deactivated).

    The user answers `is_verified()` as django-otp's middleware does for a session: true only
    for a staff-scoped token, so that policies treat the program as verified staff exactly
    when the token was made after the second factor."""
    if not text.startswith(TOKEN_PREFIX) or len(text) > 100:
        return None
    now = timezone.now()
    at_now = connection.ops.adapt_datetimefield_value(now)
    # Every API request asks this: one hand-written statement, which checks what
    # ApiToken.is_usable checks (not revoked, not expired) and that the account is active, and
    # also reads the user's current identity verification (which submitting asks for).
    row = fetch_row(
        _token_statement(),
        [
            connection.ops.adapt_datetimefield_value(now - _LAST_USED_RESOLUTION),
            at_now,
            _digest(text),
            at_now,
            True,
        ],
    )
    if row is None:
        return None
    user = instance_from(User, _USER_FIELDS, row[: len(_USER_FIELDS)])
    token_id, token_staff_scope, token_stale = row[len(_USER_FIELDS) : _VERIFICATION_START]
    verification_values = row[_VERIFICATION_START:]
    identity_selectors.remember_current_verification(
        user,
        instance_from(IdentityVerification, _VERIFICATION_FIELDS, verification_values)
        if verification_values[0] is not None
        else None,
    )
    if token_stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    staff_scope = bool(token_staff_scope) and user.is_staff_member
    user.is_verified = lambda: staff_scope  # type: ignore[attr-defined]
    return user


_USER_FIELDS = all_fields(User)
_VERIFICATION_FIELDS = all_fields(IdentityVerification)
# Columns: the user's, three of the token's, then the verification's.
_VERIFICATION_START = len(_USER_FIELDS) + 3


@functools.cache
def _token_statement() -> str:
    token, user = ApiToken._meta, User._meta
    return (
        f"SELECT {model_columns(User, _USER_FIELDS, 'u')},"  # noqa: S608  (our names)
        f" t.id, t.staff_scope, (t.last_used_at IS NULL OR t.last_used_at < %s),"
        f" {model_columns(IdentityVerification, _VERIFICATION_FIELDS, 'v')}"
        f" FROM {token.db_table} t JOIN {user.db_table} u ON u.id = t.user_id"
        f"{identity_selectors.current_verification_join('u.id', 'v')}"
        f" WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > %s"
        f" AND u.is_active = %s"
    )
