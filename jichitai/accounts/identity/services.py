"""Identity verification writes: start a provider's flow, and finish it at the callback.

The pending request (state, nonce, PKCE verifier) lives in the resident's server-side session
and is used once: the callback takes it out before checking anything, so a replayed or forged
callback finds nothing to match.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.accounts.identity import protocol, selectors
from jichitai.accounts.identity.providers import discover, get_provider
from jichitai.accounts.models import IdentityLink, IdentityVerification, User
from jichitai.core.errors import DomainError
from jichitai.governance.services import record_event

PENDING_KEY = "jichitai.identity_pending"
# A resident who has not come back from the provider within this time starts again.
PENDING_SECONDS = 10 * 60
# Claims worth keeping for staff to compare with the application; nothing else is stored.
KEPT_CLAIMS = ("name", "birthdate")


@dataclass(frozen=True)
class Verified:
    verification: IdentityVerification
    next_url: str


def begin_verification(
    session: SessionBase, user: Any, provider_key: str, *, redirect_uri: str, next_url: str
) -> str:
    """Start verifying `user` at the provider; return the URL to send them to.

    Raises `identity.not_resident` for staff or anonymous users, `identity.unknown_provider`,
    and `identity.provider_unavailable` when the provider cannot be reached.
    """
    check_resident(user)
    provider = get_provider(provider_key)
    metadata = discover(provider)
    request = protocol.authorization_request(provider, metadata, redirect_uri)
    session[PENDING_KEY] = {
        "provider": provider.key,
        "user": user.pk,
        "state": request.state,
        "nonce": request.nonce,
        "verifier": request.code_verifier,
        "next": next_url,
        "started": time.time(),
    }
    return request.url


def complete_verification(
    session: SessionBase, user: Any, params: dict[str, str], *, redirect_uri: str
) -> Verified:
    """Check the provider's answer, link its subject to `user` and record the verification.

    Raises DomainError: `identity.state_mismatch` (no pending request, another one, or too
    old), `identity.cancelled` (the resident or the provider stopped), `identity.response_invalid`
    (code refused, ID token not valid), `identity.subject_taken` (the person is linked to
    another account), `identity.provider_unavailable`. Nothing is stored on failure.
    """
    check_resident(user)
    pending = session.pop(PENDING_KEY, None)
    if (
        not isinstance(pending, dict)
        or pending.get("user") != user.pk
        or not secrets.compare_digest(str(pending.get("state", "")), params.get("state", ""))
        or time.time() - float(pending.get("started", 0)) > PENDING_SECONDS
    ):
        raise DomainError(
            "identity.state_mismatch",
            _("本人確認の手続きを確認できませんでした。最初からやり直してください。"),
        )
    if params.get("error") or not params.get("code"):
        raise DomainError("identity.cancelled", _("本人確認は完了しませんでした。"))
    provider = get_provider(pending["provider"])
    metadata = discover(provider)
    id_token = protocol.exchange_code(
        provider, metadata, redirect_uri, params["code"], pending["verifier"]
    )
    claims = protocol.verified_claims(provider, metadata, id_token, pending["nonce"])
    verification = record_verification(
        user, provider.key, provider.level, metadata["issuer"], claims
    )
    return Verified(verification=verification, next_url=str(pending.get("next", "")))


def record_verification(
    user: User, provider_key: str, level: str, issuer: str, claims: dict[str, Any]
) -> IdentityVerification:
    """Link the provider's subject (`claims["sub"]`) to `user` and record a verification at
    `level`, with its audit entry: what a provider's checked answer leads to (also used by the
    demo data for its sample residents). Raises `identity.subject_taken`."""
    subject = str(claims["sub"])
    now = timezone.now()
    try:
        with transaction.atomic():
            link, _created = IdentityLink.objects.get_or_create(
                issuer=issuer, subject=subject, defaults={"user": user}
            )
    except IntegrityError:
        # Another request linked the same person at the same moment.
        link = IdentityLink.objects.get(issuer=issuer, subject=subject)
    if link.user_id != user.pk:
        record_event(
            "identity.verify",
            outcome="denied",
            actor=user,
            detail={"provider": provider_key, "reason": "subject_taken"},
        )
        raise DomainError(
            "identity.subject_taken",
            _(
                "この本人確認は、すでに別のアカウントに連携されています。"
                "以前に登録したアカウントでサインインしてください。"
                "お心当たりがない場合は区役所にお問い合わせください。"
            ),
        )
    with transaction.atomic():
        verification = IdentityVerification.objects.create(
            user=user,
            link=link,
            provider=provider_key,
            level=level,
            verified_at=now,
            expires_at=now + dt.timedelta(seconds=settings.JICHITAI_IDENTITY_VERIFICATION_SECONDS),
            claims={k: claims[k] for k in KEPT_CLAIMS if isinstance(claims.get(k), str)},
        )
        selectors.forget_current_verification(user)
        record_event(
            "identity.verify",
            actor=user,
            target=verification,
            detail={"provider": provider_key, "level": level},
        )
    return verification


def check_resident(user: Any) -> None:
    """Raise `identity.not_resident` unless `user` is a signed-in resident."""
    if not getattr(user, "is_authenticated", False) or not user.is_resident:
        raise DomainError(
            "identity.not_resident",
            _("本人確認は、利用者登録をした区民の方のアカウントで行います。"),
        )
