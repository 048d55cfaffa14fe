"""Data requests (データリクエスト): filing one, answering it, sending it to a department.

Anyone may file, signed in or not, at most JICHITAI_DATA_REQUESTS_PER_HOUR an hour from one
client address. Staff of the concerned department answer with a status; a system administrator
assigns the department when the requester named none. Every change is audited in the same
transaction, and a requester who gave an e-mail address is told of each answer by mail
through the outbox (so a rolled-back answer sends nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.core.models import OrgUnit
from jichitai.governance.services import record_event
from jichitai.notifications.mail import send_templated_email
from jichitai.opendata import policies
from jichitai.opendata.models import (
    DataRequest,
    DataRequestEvent,
    DataRequestFiling,
    DataRequestStatus,
    Dataset,
)

RATE_WINDOW = dt.timedelta(hours=1)
MAIL_TEMPLATE = "opendata/email/data_request_answered"


def client_key(client_ip: str | None) -> str:
    """The client address as a keyed hash: counts repeat filings without keeping addresses."""
    message = f"data-request:{client_ip or 'unknown'}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def retry_after(client_ip: str | None, now: dt.datetime | None = None) -> int:
    """Seconds until this client may file again; 0 when it may now."""
    now = now or timezone.now()
    limit = settings.JICHITAI_DATA_REQUESTS_PER_HOUR
    recent = list(
        DataRequestFiling.objects.filter(
            client_key=client_key(client_ip), occurred_at__gt=now - RATE_WINDOW
        )
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return 0
    # A slot frees when the oldest of the last `limit` filings leaves the window.
    return int((recent[-1] + RATE_WINDOW - now).total_seconds()) + 1


def file_request(
    *,
    title: str,
    description: str,
    purpose: str = "",
    requester_name: str = "",
    requester_email: str = "",
    language: str = "ja",
    department: OrgUnit | None = None,
    dataset: Dataset | None = None,
    user: Any = None,
    client_ip: str | None = None,
) -> DataRequest:
    """File a data request. Raises `opendata.request.rate_limited` past the hourly limit."""
    signed_in = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        now = timezone.now()
        DataRequestFiling.objects.filter(occurred_at__lte=now - RATE_WINDOW).delete()
        limited = retry_after(client_ip, now) > 0
        if limited:
            # Recorded, and committed: a flood is worth seeing in the audit log.
            record_event(
                "opendata.request.file",
                outcome="denied",
                actor=signed_in,
                detail={"reason": "rate_limited"},
            )
    if limited:
        raise DomainError(
            "opendata.request.rate_limited",
            _(
                "短い時間に多くのリクエストが送られたため、受け付けられませんでした。"
                "1時間ほどたってから、もう一度お送りください。"
            ),
        )
    with transaction.atomic():
        data_request = DataRequest.objects.create(
            title=title,
            description=description,
            purpose=purpose,
            requester_name=requester_name,
            requester_email=requester_email,
            language=language if language in dict(settings.LANGUAGES) else "ja",
            requester=signed_in,
            department=department,
            dataset=dataset,
            created=now,
            updated=now,
        )
        DataRequestEvent.objects.create(
            data_request=data_request, status=DataRequestStatus.NEW, occurred_at=now
        )
        DataRequestFiling.objects.create(client_key=client_key(client_ip), occurred_at=now)
        record_event(
            "opendata.request.file",
            actor=signed_in,
            target=data_request,
            detail={
                "department": department.code if department else "",
                "dataset": dataset.name if dataset else "",
                "has_email": bool(requester_email),
            },
        )
    return data_request


def answer_request(
    actor: Any, data_request: DataRequest, *, status: str, answer: str, is_public: bool = True
) -> DataRequest:
    """Set a request's status with the department's answer, and tell the requester by mail.

    Raises `opendata.request.forbidden` unless the actor works in the concerned department.
    """
    if not policies.can_answer_data_request(actor, data_request):
        raise DomainError(
            "opendata.request.forbidden",
            _("このデータリクエストに回答する権限がありません。"),
        )
    if status not in DataRequestStatus.values:
        raise DomainError("opendata.request.invalid", _("状況を選んでください。"), field="status")
    answer = answer.strip()
    if status != DataRequestStatus.UNDER_REVIEW and not answer:
        # Telling someone "no" or "done" without a word helps nobody.
        raise DomainError(
            "opendata.request.answer_required",
            _("この状況にするときは、回答を入力してください。"),
            field="answer",
        )
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=data_request.pk)
        now = timezone.now()
        previous = locked.status
        locked.status = status
        locked.answer = answer or locked.answer
        locked.is_public = is_public
        locked.answered_by = actor
        locked.answered_at = now
        locked.updated = now
        locked.save()
        DataRequestEvent.objects.create(
            data_request=locked, status=status, answer=answer, actor=actor, occurred_at=now
        )
        record_event(
            "opendata.request.answer",
            actor=actor,
            target=locked,
            detail={"from": previous, "to": status, "public": is_public},
        )
        if locked.requester_email:
            _tell_requester(locked, answer)
    return locked


def assign_department(actor: Any, data_request: DataRequest, department: OrgUnit) -> DataRequest:
    """Send a request to the department that will answer it (system administrators only)."""
    if not policies.can_assign_data_request(actor):
        raise DomainError(
            "opendata.request.forbidden",
            _("担当課を決められるのはシステム管理者です。"),
        )
    if department.level != OrgUnit.Level.DEPARTMENT or not department.is_active:
        raise DomainError(
            "opendata.request.invalid", _("担当課を選んでください。"), field="department"
        )
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=data_request.pk)
        previous = locked.department.code if locked.department else ""
        locked.department = department
        locked.updated = timezone.now()
        locked.save(update_fields=["department", "updated"])
        record_event(
            "opendata.request.assign",
            actor=actor,
            target=locked,
            detail={"from": previous, "to": department.code},
        )
    return locked


def _tell_requester(data_request: DataRequest, answer: str) -> None:
    url = settings.JICHITAI_PUBLIC_URL.rstrip("/") + reverse(
        "opendata:data_request", kwargs={"request_id": data_request.pk}
    )
    send_templated_email(
        data_request.requester_email,
        MAIL_TEMPLATE,
        {"data_request": data_request, "answer": answer, "url": url},
        data_request.language,
        department_id=data_request.department_id,
        related=data_request,
        reference=f"DR-{data_request.pk}",
    )
