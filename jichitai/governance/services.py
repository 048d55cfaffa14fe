"""Writing to the audit log. Every module records through these two functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from django.db import models, transaction
from django.utils import timezone

from jichitai.core import request_context
from jichitai.core.combined_insert import RowInsert
from jichitai.governance import appending
from jichitai.governance.models import AuditEvent

Outcome = Literal["success", "failure", "denied"]
PersonalDataAccess = Literal["view", "change", "export", "create", "delete"]


def record_event(
    action: str,
    *,
    outcome: Outcome = "success",
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    subject_id: int | None = None,
    fields: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    together_with: Sequence[RowInsert] = (),
) -> AuditEvent:
    """Append one entry to the audit log (監査ログ) and return it.

    Call it inside the transaction that makes the change, so the entry and the change
    commit together or not at all. `actor` is the user who acted (None for the system or
    an anonymous visitor; pass `actor_label` to name what was attempted, e.g. the e-mail
    given at a failed sign-in). `detail` holds small non-personal facts only. The request's
    ID and client address are taken from the current request, when there is one.

    `together_with`: new rows (core.combined_insert, selecting from appending.HEAD) that are
    the change itself, written with the entry in one statement that is its own transaction
    (PostgreSQL, outside any transaction: appending.append_with).
    """
    if target is not None:
        object_type = target._meta.label_lower
        object_id = str(target.pk)
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_id: int | None = actor.pk
        actor_label = actor_label or actor.get_username()
    else:
        actor_id = None
    context = request_context.current()
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label[:254],
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=object_id,
        subject_id=subject_id,
        fields=sorted(set(fields)),
        ip_address=context.client_ip,
        request_id=context.request_id,
        detail=dict(detail or {}),
    )
    if together_with:
        appending.append_with(event, together_with)
        return event
    # No savepoint: if the entry cannot be written, the change it records must not commit
    # either, so a failure here rolls back the caller's whole transaction.
    with transaction.atomic(savepoint=False):
        appending.append(event)
    return event


def record_personal_data_access(
    access: PersonalDataAccess,
    *,
    actor: Any,
    target: models.Model,
    subject_id: int | None,
    fields: Iterable[str],
    purpose: str = "",
) -> AuditEvent:
    """Record a view, change or export of personal data (個人情報) about one person.

    `fields` names the personal fields shown or changed — never their values. `purpose`
    is a short code for why (e.g. `application.review`), kept in the entry's detail.
    """
    return record_event(
        f"personal_data.{access}",
        actor=actor,
        target=target,
        subject_id=subject_id,
        fields=fields,
        detail={"purpose": purpose} if purpose else None,
    )
