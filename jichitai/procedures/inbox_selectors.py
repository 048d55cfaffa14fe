"""Reading the back office's inbox (受付箱): its filters and search, the colleagues a case can
be assigned to, internal notes, and the table the CSV export writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jichitai.accounts.roles import DEPARTMENT_ROLES
from jichitai.core import search
from jichitai.procedures import answer_table
from jichitai.procedures.models import Application, ApplicationStatus, InternalNote
from jichitai.procedures.receipts import normalise

OPEN_STATUSES = ("received", "under_review", "correction_requested")


def filter_inbox(
    applications: QuerySet[Application], data: dict[str, Any], *, user: Any, today: dt.date
) -> QuerySet[Application]:
    """Applications matching the inbox's cleaned filters (forms.InboxFilterForm). The search
    matches the normalised receipt number, applicant names (kanji or kana, any width) and
    answers (Application.search_text)."""
    if data.get("q"):
        applications = search.matching(applications, data["q"])
    if data.get("status"):
        applications = applications.filter(status=data["status"])
    if data.get("procedure"):
        applications = applications.filter(procedure__slug=data["procedure"])
    if data.get("receipt_number"):
        applications = applications.filter(receipt_number=normalise(data["receipt_number"]))
    if data.get("assigned") == "me":
        applications = applications.filter(assignee=user)
    elif data.get("assigned") == "none":
        applications = applications.filter(assignee=None)
    if data.get("submitted_from"):
        applications = applications.filter(submitted_at__gte=_start_of(data["submitted_from"]))
    if data.get("submitted_to"):
        next_day = data["submitted_to"] + dt.timedelta(days=1)
        applications = applications.filter(submitted_at__lt=_start_of(next_day))
    if data.get("overdue"):
        applications = applications.filter(due_date__lt=today, status__in=OPEN_STATUSES)
    return applications


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the business calendar's time zone (Asia/Tokyo)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def colleagues_in(department_ids: Iterable[int]) -> QuerySet[Any]:
    """Active staff holding a department role (担当者, 承認者, 所属管理者) in these departments,
    by name: who a case can be assigned to."""
    return (
        get_user_model()
        .objects.filter(
            kind="staff",
            is_active=True,
            staff_roles__department_id__in=list(department_ids),
            staff_roles__role__in=DEPARTMENT_ROLES,
        )
        .distinct()
        .order_by("display_name", "pk")
    )


def notes_of(application: Application) -> QuerySet[InternalNote]:
    """An application's internal notes (内部メモ), oldest first, with their authors."""
    return application.internal_notes.select_related("author")


EXPORT_COLUMNS = (
    _("受付番号"),
    _("手続き"),
    _("状態"),
    _("申請日時"),
    _("処理期限"),
    _("担当者"),
    _("申請者氏名"),
)


def for_export(applications: QuerySet[Application]) -> list[Application]:
    """The applications to export, read once with what export_table needs (the same list is
    then recorded in the audit log, so the log names exactly what left)."""
    return list(applications.select_related("procedure", "applicant", "assignee", "form_version"))


def export_table(applications: Iterable[Application]) -> tuple[list[str], list[list[str]]]:
    """The applications as a table for CSV (in Japanese, whatever the page's language): fixed
    columns, then every answer flattened (answer_table.answer_cells), columns in order of
    first appearance."""
    with translation.override("ja"):
        fixed = [str(column) for column in EXPORT_COLUMNS]
        answer_columns: dict[str, int] = {}
        records: list[tuple[list[str], dict[str, str]]] = []
        for application in applications:
            document = application.form_version.form()
            cells = dict(answer_table.answer_cells(document, application.answers))
            for header in cells:
                answer_columns.setdefault(header, len(answer_columns))
            submitted = timezone.localtime(application.submitted_at)
            records.append(
                (
                    [
                        application.receipt_number,
                        application.procedure.title_ja,
                        str(ApplicationStatus(application.status).label),
                        submitted.strftime("%Y-%m-%d %H:%M"),
                        application.due_date.isoformat() if application.due_date else "",
                        application.assignee.display_name if application.assignee else "",
                        answer_table.applicant_name(
                            document, application.answers, application.applicant.display_name
                        ),
                    ],
                    cells,
                )
            )
    headers = list(answer_columns)
    rows = [fixed_cells + [cells.get(h, "") for h in headers] for fixed_cells, cells in records]
    return fixed + headers, rows
