"""Back-office decisions: moving an application through its states (受付 → 審査中 → 補正依頼 →
承認 / 却下 → 完了), each step recorded in its history and the audit log, and told to the
applicant by mail when it concerns them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jichitai.accounts.roles import Role
from jichitai.core.errors import DomainError
from jichitai.core.plain_text import has_control_characters
from jichitai.governance.services import record_event
from jichitai.procedures.models import Application, ApplicationEvent, NotificationEvent
from jichitai.procedures.models import ApplicationStatus as S
from jichitai.procedures.policies import applications_visible_to_staff
from jichitai.procedures.services.notifications import notify_applicant

# to-state → (states it can be reached from, roles in the owning department that may do it)
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    S.UNDER_REVIEW: (frozenset({S.RECEIVED}), frozenset({Role.CLERK, Role.APPROVER})),
    S.CORRECTION_REQUESTED: (frozenset({S.UNDER_REVIEW}), frozenset({Role.CLERK, Role.APPROVER})),
    S.APPROVED: (frozenset({S.UNDER_REVIEW}), frozenset({Role.APPROVER})),
    S.REJECTED: (frozenset({S.UNDER_REVIEW}), frozenset({Role.APPROVER})),
    S.COMPLETED: (frozenset({S.APPROVED}), frozenset({Role.CLERK, Role.APPROVER})),
}
# Moves that must say something to the applicant.
NEEDS_MESSAGE = frozenset({S.CORRECTION_REQUESTED, S.REJECTED})
TOLD_BY_MAIL = frozenset({S.CORRECTION_REQUESTED, S.APPROVED, S.REJECTED})


def allowed_moves(actor: Any, application: Application) -> list[str]:
    """The states this member of staff may move this application to now."""
    roles = {
        role.role
        for role in actor.active_roles
        if role.department_id == application.procedure.department_id
    }
    return [
        to
        for to, (sources, allowed) in TRANSITIONS.items()
        if application.status in sources and roles & allowed
    ]


def move(
    actor: Any,
    application: Application,
    to_status: str,
    *,
    message: str = "",
    pages: Sequence[str] = (),
) -> Application:
    """Move an application to `to_status` (審査開始, 補正依頼, 承認, 却下, 完了).

    A correction request may name the form pages the applicant is to change (`pages`, page
    ids of the application's form version; none: any page). Raises `application.not_found`
    outside the actor's departments, `application.transition` when the move is not allowed
    from the current state or for the actor's role, `application.message_required` when the
    applicant must be told why, and `correction.unknown_page` for a page the form lacks.
    """
    message = message.strip()
    pages = list(dict.fromkeys(pages))
    with transaction.atomic():
        locked = (
            applications_visible_to_staff(actor)
            .select_for_update()
            .select_related("procedure", "applicant")
            .filter(pk=application.pk)
            .first()
        )
        if locked is None:
            raise DomainError("application.not_found", _("申請が見つかりません。"))
        refused = to_status not in allowed_moves(actor, locked)
        if not refused:
            _apply_move(actor, locked, to_status, message, pages)
    if refused:
        # Recorded after the transaction: a refusal changes nothing but is still audited.
        record_event(
            "application.move",
            outcome="denied",
            actor=actor,
            target=locked,
            subject_id=locked.applicant_id,
            # A status no form offers is a forged request: what it sent is not kept (it may
            # be anything, a NUL that PostgreSQL's JSON refuses included).
            detail={"from": locked.status, "to": to_status if to_status in S.values else "?"},
        )
        raise DomainError(
            "application.transition", _("この申請は今の状態からその操作はできません。")
        )
    return locked


def _apply_move(
    actor: Any, locked: Application, to_status: str, message: str, pages: list[str]
) -> None:
    """Check the message, then record the move in the history and the audit log, and tell the
    applicant. Runs inside move()'s transaction."""
    if pages and to_status != S.CORRECTION_REQUESTED:
        pages = []
    if pages:
        known = {page.id for page in locked.form_version.form().pages}
        if not set(pages) <= known:
            raise DomainError(
                "correction.unknown_page",
                _("この申請の様式にないページが選ばれています。"),
                field="pages",
            )
    if to_status in NEEDS_MESSAGE and not message:
        raise DomainError(
            "application.message_required",
            _("申請者へのお知らせ（理由や直してほしい内容）を入力してください。"),
            field="message",
        )
    if has_control_characters(message):
        raise DomainError(
            "application.message_invalid_characters",
            _("使えない文字が含まれています。"),
            field="message",
        )
    if len(message) > 2000:
        raise DomainError(
            "application.message_too_long",
            _("お知らせは2000文字以内で入力してください。"),
            field="message",
        )
    ApplicationEvent.objects.create(
        application=locked,
        from_status=locked.status,
        to_status=to_status,
        actor_id=actor.pk,
        message=message,
        pages=pages,
    )
    record_event(
        "application.move",
        actor=actor,
        target=locked,
        subject_id=locked.applicant_id,
        detail={"from": locked.status, "to": to_status, **({"pages": pages} if pages else {})},
    )
    locked.status = to_status
    locked.save(update_fields=["status"])
    if to_status in TOLD_BY_MAIL:
        event = (
            NotificationEvent.CORRECTION_REQUESTED
            if to_status == S.CORRECTION_REQUESTED
            else NotificationEvent.DECIDED
        )
        notify_applicant(locked, event, message=message)
