"""The back office (受付・審査): each department's inbox of applications, one application, and
casework on them: assignment (担当者), internal notes (内部メモ), bulk actions (一括処理) and
the CSV export (CSVダウンロード).

Staff see only their departments' applications; opening one is recorded in the audit log as
a view of the applicant's personal data, and searching the inbox (usually by a name) as a
search of personal data. Every action is a plain form (POST-redirect-GET) and
works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jichitai.accounts.views import staff_required
from jichitai.core import spreadsheet_csv
from jichitai.core.errors import DomainError
from jichitai.governance.services import record_personal_data_access
from jichitai.procedures import correction_selectors, inbox_selectors, policies
from jichitai.procedures.formdoc import rendering, routing
from jichitai.procedures.forms import AssignForm, BulkActionForm, ExportForm, InboxFilterForm
from jichitai.procedures.models import Application, ApplicationStatus
from jichitai.procedures.receipts import normalise
from jichitai.procedures.services import casework, review

PAGE_SIZE = 50
OPEN_STATUSES = [
    ApplicationStatus.RECEIVED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.CORRECTION_REQUESTED,
]


@require_safe
@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    visible = policies.applications_visible_to_staff(request.user)
    form = InboxFilterForm(request.GET if request.GET else None, applications=visible)
    applications = visible.select_related("procedure", "applicant", "assignee").order_by(
        "due_date", "submitted_at"
    )
    status = 200
    if form.is_bound and not form.is_valid():
        applications, status = applications.none(), 400
    elif form.is_bound:
        applications = inbox_selectors.filter_inbox(
            applications, form.cleaned_data, user=request.user, today=timezone.localdate()
        )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    if status == 200 and form.is_bound and form.cleaned_data.get("q"):
        casework.record_search(
            request.user,
            form.cleaned_data["q"],
            found=page.paginator.count,
            shown=[application.pk for application in page],
            purpose="inbox.search",
        )
    query = request.GET.copy()
    query.pop("page", None)
    user: Any = request.user
    departments = [department.pk for department in user.role_departments()]
    return render(
        request,
        "procedures/back_office/inbox.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "open_statuses": OPEN_STATUSES,
            "bulk_form": BulkActionForm(
                colleagues=inbox_selectors.colleagues_in(departments), me=request.user
            ),
            "can_export": policies.can_export_applications(request.user),
        },
        status=status,
    )


@require_safe
@staff_required
def application(request: HttpRequest, receipt_number: str) -> HttpResponse:
    return _application_page(request, receipt_number)


def _application_page(
    request: HttpRequest,
    receipt_number: str,
    *,
    refused: DomainError | None = None,
    posted: dict[str, Any] | None = None,
) -> HttpResponse:
    """The application as staff review it; with `refused`, shown again (400) with the refusal
    beside the field it names and what was typed (`posted`) kept, so that nothing is lost."""
    found: Application = get_object_or_404(
        policies.applications_visible_to_staff(request.user).select_related(
            "procedure", "applicant", "identity_verification", "assignee"
        ),
        receipt_number=normalise(receipt_number),
    )
    document = found.form_version.form()
    sections = [
        (page, rendering.summary(page, found.answers))
        for page in routing.visible_pages(document, found.answers)
    ]
    record_personal_data_access(
        "view",
        actor=request.user,
        target=found,
        subject_id=found.applicant_id,
        fields=sorted(found.answers)
        + (["identity_verification.claims"] if found.identity_verification_id else []),
        purpose="application.review",
    )
    return render(
        request,
        "procedures/back_office/application.html",
        {
            "application": found,
            "document": document,
            "sections": sections,
            "moves": [
                (to, ApplicationStatus(to).label)
                for to in review.allowed_moves(request.user, found)
            ],
            "events": found.events.all(),
            "revisions": correction_selectors.answer_revisions(document, found.events.all()),
            "correction_pages": (
                [page for page in document.pages if page.questions and page.exit_message is None]
                if ApplicationStatus.CORRECTION_REQUESTED
                in review.allowed_moves(request.user, found)
                else []
            ),
            "notes": inbox_selectors.notes_of(found),
            "assign_form": AssignForm(
                initial={"assignee": found.assignee_id or ""},
                colleagues=inbox_selectors.colleagues_in([found.procedure.department_id]),
            ),
            "overdue": bool(
                found.due_date
                and found.due_date < timezone.localdate()
                and found.status in OPEN_STATUSES
            ),
            "refused": refused,
            "posted": posted or {},
        },
        status=400 if refused else 200,
    )


@require_POST
@staff_required
def move(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """Apply one decision from the application page, then show it again (POST-redirect-GET)."""
    found: Application = get_object_or_404(
        policies.applications_visible_to_staff(request.user),
        receipt_number=normalise(receipt_number),
    )
    try:
        review.move(
            request.user,
            found,
            request.POST.get("to_status", ""),
            message=request.POST.get("message", ""),
            pages=request.POST.getlist("pages"),
        )
        messages.success(request, _("申請の状態を更新しました。"))
    except DomainError as error:
        if error.field in {"message", "pages"}:
            # Said beside the field, with the message and pages as typed and chosen.
            posted = {
                "message": request.POST.get("message", ""),
                "pages": request.POST.getlist("pages"),
            }
            return _application_page(request, found.receipt_number, refused=error, posted=posted)
        messages.error(request, error.message)
    return redirect("procedures:staff_application", found.receipt_number)


# Casework (担当者・内部メモ・一括処理・CSV)

REPORT_LIMIT = 200


def _visible(request: HttpRequest, receipt_number: str) -> Application:
    found: Application = get_object_or_404(
        policies.applications_visible_to_staff(request.user),
        receipt_number=normalise(receipt_number),
    )
    return found


def _assignee(request: HttpRequest, value: str) -> Any | None:
    """The staff member a form names: "me", a user id, or "" for nobody. Raises DomainError
    for anything else."""
    if value == "me":
        return request.user
    if not value:
        return None
    member = casework.staff_member(value)
    if member is None:
        raise DomainError(
            "application.assignee_unknown", _("その職員は見つかりません。"), field="assignee"
        )
    return member


@require_POST
@staff_required
def assign(request: HttpRequest, receipt_number: str) -> HttpResponse:
    found = _visible(request, receipt_number)
    try:
        casework.assign(request.user, found, _assignee(request, request.POST.get("assignee", "")))
        messages.success(request, _("担当者を更新しました。"))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("procedures:staff_application", found.receipt_number)


@require_POST
@staff_required
def add_note(request: HttpRequest, receipt_number: str) -> HttpResponse:
    found = _visible(request, receipt_number)
    try:
        casework.add_note(request.user, found, request.POST.get("body", ""))
        messages.success(request, _("内部メモを追加しました。"))
    except DomainError as error:
        # Browsers stop an empty note (required); any refusal that reaches here is said
        # beside the field, with the text kept.
        posted = {"body": request.POST.get("body", "")}
        return _application_page(request, found.receipt_number, refused=error, posted=posted)
    return redirect(reverse("procedures:staff_application", args=[found.receipt_number]) + "#notes")


# Longer than any filters the inbox form makes; a longer one was not made there.
INBOX_QUERY_LIMIT = 2000


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    """The inbox with the filters the staff member had: only its filters' names are kept, and
    none when they come longer than the form makes, so that the action done is never
    followed by a refused redirect."""
    posted = QueryDict(request.POST.get("query", ""), mutable=True)
    for name in list(posted):
        if name not in InboxFilterForm.base_fields:
            del posted[name]
    query = posted.urlencode()
    if len(query) > INBOX_QUERY_LIMIT:
        query = ""
    return redirect(reverse("procedures:inbox") + (f"?{query}" if query else ""))


@require_POST
@staff_required
def bulk(request: HttpRequest) -> HttpResponse:
    """Do one action to every ticked application; report each one that could not be done."""
    user: Any = request.user
    departments = [department.pk for department in user.role_departments()]
    form = BulkActionForm(
        request.POST, colleagues=inbox_selectors.colleagues_in(departments), me=request.user
    )
    if not form.is_valid():
        messages.error(request, _("一括処理の内容を選んでください。"))
        return _back_to_inbox(request)
    action = form.cleaned_data["action"]
    selected = request.POST.getlist("selected")
    try:
        if action in ("assign", "unassign"):
            assignee = (
                None
                if action == "unassign"
                else _assignee(request, form.cleaned_data["assignee"] or "me")
            )
            result = casework.bulk_assign(request.user, selected, assignee)
        else:
            result = casework.bulk_move(request.user, selected, action)
    except DomainError as error:
        messages.error(request, error.message)
        return _back_to_inbox(request)
    if result.done:
        messages.success(
            request,
            _("%(count)d件を処理しました。") % {"count": len(result.done)},
        )
    for receipt_number, reason in result.refused:
        messages.error(
            request,
            _("%(receipt)s は処理できませんでした：%(reason)s")
            % {"receipt": receipt_number, "reason": reason},
        )
    return _back_to_inbox(request)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def export(request: HttpRequest) -> HttpResponse:
    """GET: how many applications the inbox's filters select, and which characters Shift_JIS
    cannot hold; POST: the CSV file, recorded in the audit log."""
    if not policies.can_export_applications(request.user):
        raise PermissionDenied
    exportable = policies.applications_exportable_by(request.user)
    data = request.POST if request.method == "POST" else request.GET
    filters = InboxFilterForm(data, applications=exportable)
    # A POST without a choice (no body at all) is refused beside the field, not shown as the
    # page's first view.
    chosen = ExportForm(request.POST if request.method == "POST" else None)
    if not filters.is_valid():
        return render(
            request,
            "procedures/back_office/export.html",
            {"filters": filters, "form": chosen},
            status=400,
        )
    applications = inbox_selectors.for_export(
        inbox_selectors.filter_inbox(
            exportable.order_by("due_date", "submitted_at"),
            filters.cleaned_data,
            user=request.user,
            today=timezone.localdate(),
        )
    )
    if filters.cleaned_data.get("q"):
        casework.record_search(
            request.user,
            filters.cleaned_data["q"],
            found=len(applications),
            shown=[application.pk for application in applications],
            purpose="application.export",
        )
    header, rows = inbox_selectors.export_table(applications)
    if request.method == "POST" and chosen.is_valid():
        encoding = chosen.cleaned_data["encoding"]
        content, replacements = spreadsheet_csv.write(header, rows, encoding)
        casework.record_export(
            request.user, applications, encoding=encoding, replaced=len(replacements)
        )
        response = HttpResponse(
            content,
            content_type="text/csv; charset=" + ("utf-8" if encoding == "utf-8" else "Shift_JIS"),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="applications-{stamp}-{encoding}.csv"'
        )
        # Residents' personal data: no copy kept by the browser or a proxy.
        response["Cache-Control"] = "no-store"
        return response
    _prepared, replacements = spreadsheet_csv.prepare(header, rows, "cp932")
    casework.record_export_check(request.user, count=len(applications), replaced=len(replacements))
    query = {key: str(value) for key, value in data.items() if key in filters.fields and value}
    return render(
        request,
        "procedures/back_office/export.html",
        {
            "filters": filters,
            "form": chosen,
            "count": len(applications),
            "query": query,
            "inbox_query": urlencode(query),
            "replacements": [
                (item, [f"U+{ord(char):04X}" for char in item.characters])
                for item in replacements[:REPORT_LIMIT]
            ],
            "replacement_count": len(replacements),
        },
        status=400 if chosen.is_bound else 200,
    )
