"""The delivery log (メール送信履歴): messages about the department's applications, their
status, attempts and last error, with a retry button for failed ones.

The page shows recipients' addresses, so each page shown is recorded in the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.governance.services import record_event
from jichitai.procedures import policies
from jichitai.procedures.forms import DeliveryLogFilterForm
from jichitai.procedures.services.notifications import retry_delivery

PAGE_SIZE = 50


@require_safe
@staff_required
def delivery_log(request: HttpRequest) -> HttpResponse:
    emails = policies.emails_visible_to_staff(request.user).order_by("-created_at", "-pk")
    form = DeliveryLogFilterForm(request.GET if request.GET else None)
    status = 200
    if form.is_bound and not form.is_valid():
        emails, status = emails.none(), 400
    elif form.is_bound and form.cleaned_data.get("status"):
        emails = emails.filter(status=form.cleaned_data["status"])
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    shown = [email.pk for email in page]
    if shown:
        record_event(
            "personal_data.view",
            actor=request.user,
            object_type="notifications.outboundemail",
            fields=["recipient"],
            detail={"purpose": "notifications.delivery_log", "ids": shown},
        )
    return render(
        request,
        "procedures/back_office/notifications.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=status,
    )


@require_POST
@staff_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed message again now, then show the log (POST-redirect-GET)."""
    email = get_object_or_404(policies.emails_visible_to_staff(request.user), pk=pk)
    try:
        retry_delivery(request.user, email)
        messages.success(request, _("再送を受け付けました。"))
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect("procedures:staff_notifications")
