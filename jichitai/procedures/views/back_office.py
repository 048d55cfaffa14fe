"""The back office (受付・審査): each department's inbox of applications, and one application.

Staff see only their departments' applications; opening one is recorded in the audit log as
a view of the applicant's personal data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.governance.services import record_personal_data_access
from jichitai.procedures import inbox_selectors, policies
from jichitai.procedures.formdoc import rendering, routing
from jichitai.procedures.forms import AssignForm, BulkActionForm, InboxFilterForm
from jichitai.procedures.models import Application, ApplicationStatus
from jichitai.procedures.receipts import normalise
from jichitai.procedures.services import review

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
    found: Application = get_object_or_404(
        policies.applications_visible_to_staff(request.user).select_related(
            "procedure", "applicant", "assignee"
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
        fields=sorted(found.answers),
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
        },
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
        )
        messages.success(request, _("申請の状態を更新しました。"))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("procedures:staff_application", found.receipt_number)
