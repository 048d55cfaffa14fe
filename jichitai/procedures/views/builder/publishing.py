"""Publishing the draft as the next form version, and stopping online applications."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.procedures import selectors
from jichitai.procedures.builder_forms import UnpublishForm
from jichitai.procedures.services import builder
from jichitai.procedures.views.builder.common import (
    buildable_procedure,
    overview_url,
    posted,
    posted_revision,
    report,
)


@require_POST
@staff_required
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = buildable_procedure(request, slug)
    draft = builder.draft_of(procedure)
    try:
        version = builder.publish(procedure, draft, posted_revision(request), actor=request.user)
        messages.success(
            request,
            _("様式を第%(number)d版として公開しました。") % {"number": version.number},
        )
    except DomainError as error:
        report(request, error)
    return redirect(overview_url(procedure))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    """Stop online applications: GET says what that does and asks to confirm; only the POST
    from that page (confirm=yes) stops them."""
    procedure = buildable_procedure(request, slug)
    if procedure.live_form_id is None:
        messages.error(request, _("この様式は公開されていません。"))
        return redirect(overview_url(procedure))
    form = UnpublishForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            builder.unpublish(procedure, actor=request.user)
            messages.success(request, _("オンライン申請の受付を停止しました。"))
        except DomainError as error:
            report(request, error)
        return redirect(overview_url(procedure))
    drafts, applications = selectors.intake_in_progress(procedure)
    return render(
        request,
        "procedures/builder/unpublish.html",
        {"procedure": procedure, "form": form, "drafts": drafts, "applications": applications},
        status=400 if form.is_bound else 200,
    )
