"""The audit log browser for auditors."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from jichitai.governance import policies, selectors, services
from jichitai.governance.forms import AuditFilterForm
from jichitai.governance.models import AuditEvent

PAGE_SIZE = 50


@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policies.can_view_audit_log(request.user):
        services.record_event("audit_log.view", outcome="denied", actor=request.user)
        raise PermissionDenied
    form = AuditFilterForm(request.GET if request.GET else None, actions=selectors.audit_actions())
    if form.is_bound and not form.is_valid():
        events = AuditEvent.objects.none()  # show the errors, not a list the filter did not ask for
    else:
        events = selectors.audit_events(
            selectors.AuditFilter(**(form.cleaned_data if form.is_bound else {}))
        )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Reading the log is itself audited: it names people and where they signed in from.
    services.record_event("audit_log.view", actor=request.user, detail={"page": page.number})
    query = request.GET.copy()
    query.pop("page", None)
    # An htmx request gets only the filter and results, swapped into the page in place.
    template = "governance/audit_log.html"
    if request.headers.get("HX-Request") == "true":
        template += "#audit-log"
    return render(
        request,
        template,
        {"form": form, "page": page, "query": query.urlencode()},
    )
