"""Save and come back later (中断・再開): a link by e-mail that reopens a draft.

The link signs the resident in, so it is guarded like a password-reset link: it goes only to
the account's own address, works once, expires after RESUME_LINK_DAYS, and sending a new one
voids the old. Only residents' drafts have links; staff never sign in this way.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from jichitai.accounts.services import sign_in_resident
from jichitai.core.errors import DomainError
from jichitai.governance.services import record_event
from jichitai.notifications.mail import send_templated_email
from jichitai.procedures.models import ApplicationDraft

RESUME_LINK_DAYS = 7
_SALT = "jichitai.procedures.resume_link"


def send_resume_link(draft: ApplicationDraft) -> None:
    """Mail the resident a link back to this draft (and void any earlier link)."""
    with transaction.atomic():
        locked = (
            ApplicationDraft.objects.select_for_update()
            .select_related("applicant", "procedure")
            .get(pk=draft.pk)
        )
        locked.resume_nonce = secrets.token_hex(16)
        locked.save(update_fields=["resume_nonce"])
        token = signing.TimestampSigner(salt=_SALT).sign(f"{locked.pk}.{locked.resume_nonce}")
        url = settings.JICHITAI_PUBLIC_URL.rstrip("/") + reverse(
            "procedures:resume_draft", args=[token]
        )
        record_event(
            "draft.resume_link_sent",
            actor=locked.applicant,
            target=locked,
            detail={"procedure": locked.procedure.slug},
        )
        send_templated_email(
            locked.applicant.email,
            "procedures/email/resume_link",
            {
                "url": url,
                "procedure": locked.procedure,
                "user": locked.applicant,
                "days": RESUME_LINK_DAYS,
            },
            locked.applicant.preferred_language,
        )


def _invalid() -> DomainError:
    return DomainError(
        "draft.link_invalid",
        _(
            "このリンクは使えません（期限切れ、使用済み、または新しいリンクを送った後の古いリンクです）。"
            "サインインして、申請の続きから進めてください。"
        ),
    )


def draft_for_link(token: str) -> ApplicationDraft:
    """The draft a valid link points to; DomainError `draft.link_invalid` otherwise."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(
            token, max_age=RESUME_LINK_DAYS * 24 * 3600
        )
        draft_id, nonce = value.split(".", 1)
        draft = (
            ApplicationDraft.objects.select_related("applicant", "procedure")
            .filter(pk=int(draft_id))
            .first()
        )
    except (signing.BadSignature, ValueError):
        raise _invalid() from None
    if (
        draft is None
        or not draft.resume_nonce
        or not secrets.compare_digest(draft.resume_nonce, nonce)
        or not draft.applicant.is_active
        or not draft.applicant.is_resident
    ):
        raise _invalid()
    return draft


def use_resume_link(request: HttpRequest, token: str) -> ApplicationDraft:
    """Sign the draft's owner in (a fresh session) and void the link."""
    with transaction.atomic():
        draft = draft_for_link(token)
        ApplicationDraft.objects.filter(pk=draft.pk, resume_nonce=draft.resume_nonce).update(
            resume_nonce=""
        )
        user: Any = draft.applicant
        if request.user != user:
            sign_in_resident(request, user)
        record_event("draft.resume_link_used", actor=user, target=draft)
    return draft
