"""Casework in the back office: who handles an application (担当者の割当て), staff's internal
notes (内部メモ), and doing one step to many applications at once (一括処理).

Every change is checked against the same policies as a single one and recorded in the audit
log in the same transaction. Bulk actions handle each application in its own transaction:
each one either changes completely or is reported with the reason, never half-done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from jichitai.core import search
from jichitai.core.errors import DomainError
from jichitai.core.plain_text import has_control_characters
from jichitai.governance.services import record_event, record_personal_data_access
from jichitai.procedures.models import Application, InternalNote
from jichitai.procedures.models import ApplicationStatus as S
from jichitai.procedures.policies import applications_visible_to_staff, can_be_assigned
from jichitai.procedures.receipts import normalise
from jichitai.procedures.services import review

MAX_NOTE = 2000
MAX_BULK = 100
# Bulk moves are the ones that tell the applicant nothing that needs writing per case.
BULK_MOVES = frozenset({S.UNDER_REVIEW, S.COMPLETED})


def _locked(actor: Any, application: Application) -> Application:
    locked = (
        applications_visible_to_staff(actor)
        .select_for_update()
        .select_related("procedure")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None:
        raise DomainError("application.not_found", _("申請が見つかりません。"))
    return locked


def assign(actor: Any, application: Application, assignee: Any | None) -> Application:
    """Make `assignee` the member of staff handling this application (None: nobody).

    The actor must see the application (a department role in its department), and the
    assignee must hold a department role there too; otherwise `application.not_found` or
    `application.assignee_not_in_department`, and nothing changes.
    """
    with transaction.atomic():
        locked = _locked(actor, application)
        if assignee is not None and not can_be_assigned(assignee, locked.procedure.department_id):
            refused = True
        else:
            refused = False
            previous = locked.assignee_id
            locked.assignee = assignee
            locked.assigned_at = timezone.now() if assignee is not None else None
            locked.save(update_fields=["assignee", "assigned_at"])
            record_event(
                "application.assign",
                actor=actor,
                target=locked,
                subject_id=locked.applicant_id,
                detail={"from": previous, "to": getattr(assignee, "pk", None)},
            )
    if refused:
        # Recorded after the transaction: a refusal changes nothing but is still audited.
        record_event(
            "application.assign",
            outcome="denied",
            actor=actor,
            target=locked,
            subject_id=locked.applicant_id,
            detail={"to": getattr(assignee, "pk", None)},
        )
        raise DomainError(
            "application.assignee_not_in_department",
            _("この申請の担当課の職員にだけ割り当てられます。"),
            field="assignee",
        )
    return locked


def staff_member(user_id: Any) -> Any | None:
    """The staff account with this id, or None (the caller's policies decide the rest)."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    return get_user_model().objects.filter(pk=pk, kind="staff").first()


def add_note(actor: Any, application: Application, body: str) -> InternalNote:
    """Keep an internal note (内部メモ) on an application; staff only, never shown to the
    applicant. Raises `note.empty` or `note.too_long`."""
    body = body.strip()
    if not body:
        raise DomainError("note.empty", _("メモを入力してください。"), field="body")
    if has_control_characters(body):
        raise DomainError(
            "note.invalid_characters", _("使えない文字が含まれています。"), field="body"
        )
    if len(body) > MAX_NOTE:
        raise DomainError(
            "note.too_long", _("メモは2000文字以内で入力してください。"), field="body"
        )
    with transaction.atomic():
        locked = _locked(actor, application)
        note = InternalNote.objects.create(application=locked, author=actor, body=body)
        record_event(
            "application.note_add",
            actor=actor,
            target=locked,
            subject_id=locked.applicant_id,
            detail={"note": note.pk},
        )
    return note


@dataclass
class BulkResult:
    """What a bulk action did: receipt numbers done, and (receipt number, reason) refused."""

    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _selected(actor: Any, receipt_numbers: Iterable[str]) -> tuple[list[Application], list[str]]:
    """The visible applications among the receipt numbers, in the order given, and the numbers
    not found (unknown, or another department's: the same answer for both)."""
    wanted = list(
        dict.fromkeys(
            normalise(number)
            for number in receipt_numbers
            if number and not has_control_characters(number)  # never a receipt number
        )
    )
    if len(wanted) > MAX_BULK:
        raise DomainError(
            "bulk.too_many", _("一度に処理できるのは100件までです。"), field="selected"
        )
    if not wanted:
        raise DomainError("bulk.none_selected", _("申請を選んでください。"), field="selected")
    found = {
        application.receipt_number: application
        for application in applications_visible_to_staff(actor).filter(receipt_number__in=wanted)
    }
    return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]


def bulk_move(actor: Any, receipt_numbers: Iterable[str], to_status: str) -> BulkResult:
    """Move each selected application to `to_status` (審査中 or 完了) by the same rules as one
    move (review.move); each one moves or is reported."""
    if to_status not in BULK_MOVES:
        raise DomainError("bulk.action", _("その操作は一括ではできません。"), field="action")
    applications, missing = _selected(actor, receipt_numbers)
    result = BulkResult(refused=[(n, _("申請が見つかりません。")) for n in missing])
    for application in applications:
        try:
            review.move(actor, application, to_status)
        except DomainError as error:
            result.refused.append((application.receipt_number, error.message))
        else:
            result.done.append(application.receipt_number)
    return result


def bulk_assign(actor: Any, receipt_numbers: Iterable[str], assignee: Any | None) -> BulkResult:
    """Assign each selected application to `assignee` (None: unassign), by the same rules as
    assign(); each one is assigned or reported."""
    applications, missing = _selected(actor, receipt_numbers)
    result = BulkResult(refused=[(n, _("申請が見つかりません。")) for n in missing])
    for application in applications:
        try:
            assign(actor, application, assignee)
        except DomainError as error:
            result.refused.append((application.receipt_number, error.message))
        else:
            result.done.append(application.receipt_number)
    return result


def record_export(
    actor: Any, applications: Iterable[Application], *, encoding: str, replaced: int
) -> int:
    """Record a CSV export (CSVダウンロード) in the audit log: one personal-data export entry per
    applicant, so each person's access history shows it, and one entry for the export as a
    whole with its size. Returns how many applications were recorded."""
    count = 0
    with transaction.atomic():
        for application in applications:
            record_personal_data_access(
                "export",
                actor=actor,
                target=application,
                subject_id=application.applicant_id,
                fields=sorted(application.answers),
                purpose="application.export",
            )
            count += 1
        record_event(
            "application.export",
            actor=actor,
            object_type="procedures.application",
            detail={"count": count, "encoding": encoding, "replaced_cells": replaced},
        )
    return count


def record_export_check(actor: Any, *, count: int, replaced: int) -> None:
    """Record that the export page was shown (its report names receipts and the characters
    Shift_JIS cannot hold, but no whole answers): who looked, at how many applications."""
    with transaction.atomic():
        record_event(
            "application.export_check",
            actor=actor,
            object_type="procedures.application",
            detail={"count": count, "replaced_cells": replaced},
        )


SEARCH_DIGEST_SALT = "procedures.inbox.search"


def record_search(
    actor: Any, query: str, *, found: int, shown: Iterable[int], purpose: str
) -> None:
    """Record a search of the inbox (受付箱の検索): looking applicants up by name or answer
    reads personal data, so the audit log says who searched, when, how many matched and which
    applications were listed (`shown`, ids).

    The query itself is not kept, as it is usually a person's name: only its length, and a
    digest keyed with the server's secret (of the normalised terms), so an auditor holding the
    key can tell which searches were for a given name without the log revealing any name."""
    terms = " ".join(search.search_terms(query))
    digest = salted_hmac(SEARCH_DIGEST_SALT, terms, algorithm="sha256").hexdigest()[:32]
    with transaction.atomic():
        record_event(
            "personal_data.search",
            actor=actor,
            object_type="procedures.application",
            fields=["search_text"],
            detail={
                "purpose": purpose,
                "query_length": len(query),
                "query_digest": digest,
                "found": found,
                "shown": list(shown),
            },
        )
