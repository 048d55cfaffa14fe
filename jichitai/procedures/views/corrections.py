"""Answering a correction request (補正) by changing answers: the requested pages of the
application's own form version, one at a time, then check the changes and send them.

Only the applicant finds these pages (404 for anyone else), and only while a correction is
pending (409 with the reason otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.core.errors import DomainError
from jichitai.procedures import correction_selectors
from jichitai.procedures.formdoc import rendering, routing
from jichitai.procedures.models import Application
from jichitai.procedures.services import corrections, resident_actions
from jichitai.procedures.views.apply import _own_application, resident_required


def _not_pending(
    request: HttpRequest, application: Application, error: DomainError
) -> HttpResponse:
    return render(
        request,
        "procedures/correction_unavailable.html",
        {"application": application, "error": error},
        status=409,
    )


def _check_url(application: Application) -> str:
    return reverse("procedures:correction_check", args=[application.receipt_number])


def _page_url(application: Application, page_id: str) -> str:
    return reverse("procedures:correction_page", args=[application.receipt_number, page_id])


@require_http_methods(["GET", "HEAD", "POST"])
@resident_required
def correction_page(request: HttpRequest, receipt_number: str, page_id: str) -> HttpResponse:
    """One page of the application's form, filled with the answers being corrected."""
    application = _own_application(request, receipt_number)
    try:
        draft = corrections.correction_draft_for(request.user, application)
    except DomainError as error:
        return _not_pending(request, application, error)
    document = application.form_version.form()
    pages = corrections.editable_pages(document, application, draft.answers)
    current = next((p for p in pages if p.id == page_id), None)
    if current is None:
        raise Http404
    context: dict[str, Any] = {
        "application": application,
        "procedure": application.procedure,
        "document": document,
        "page": current,
        "back_url": _check_url(application),
        "errors": {},
    }
    if current.exit_message is not None:
        return render(request, "procedures/correction_exit.html", context)
    if request.method == "POST" and "add_row" in request.POST:
        data = rendering.posted_data_with_added_row(current, request.POST, request.POST["add_row"])
        return render(request, "procedures/correction_page.html", {**context, "data": data})
    if request.method == "POST":
        try:
            result = corrections.save_correction_page(
                request.user, application, page_id, request.POST, request.FILES
            )
        except DomainError as error:
            return _not_pending(request, application, error)
        if result.valid:
            draft.refresh_from_db()
            following = routing.next_page(document, draft.answers, page_id)
            # A changed answer may lead to a page still to answer (or an exit page): go there.
            if following is not None and (
                following.exit_message is not None
                or any(q.required and q.id not in draft.answers for q in following.questions)
            ):
                return redirect(_page_url(application, following.id))
            return redirect(_check_url(application))
        data = rendering.posted_data(current, request.POST)
        return render(
            request,
            "procedures/correction_page.html",
            {**context, "data": data, "errors": result.errors},
            status=400,
        )
    data = rendering.form_data(current, draft.answers)
    return render(request, "procedures/correction_page.html", {**context, "data": data})


@require_http_methods(["GET", "HEAD", "POST"])
@resident_required
def correction_check(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """The requested pages with the answers as they will be, the changes so far, a message
    and a file; then send the correction."""
    application = _own_application(request, receipt_number)
    try:
        draft = corrections.correction_draft_for(request.user, application)
    except DomainError as unavailable:
        return _not_pending(request, application, unavailable)
    document = application.form_version.form()
    requested = set(corrections.requested_page_ids(document, application))
    editable = corrections.editable_pages(document, application, draft.answers)
    answers = routing.effective_answers(document, draft.answers)
    sections = [
        (page, rendering.summary(page, answers))
        for page in editable
        if page.exit_message is None and (page.id in requested or page.questions)
    ]
    problem: DomainError | None = None
    status = 200
    if request.method == "POST":
        try:
            resident_actions.answer_correction(
                request.user,
                application,
                message=request.POST.get("message", ""),
                upload=request.FILES.get("upload"),
            )
        except DomainError as failure:
            if failure.code == "correction.not_requested":
                return _not_pending(request, application, failure)
            if failure.code == "correction.incomplete" and failure.field:
                page = document.page(failure.field) or next(
                    (p for p in document.pages if failure.field in {q.id for q in p.questions}),
                    None,
                )
                if page is not None:
                    messages.error(request, failure.message)
                    return redirect(_page_url(application, page.id))
            problem, status = failure, 400
        else:
            messages.success(request, _("補正の内容を送りました。"))
            return redirect("procedures:application_detail", application.receipt_number)
    request_event = corrections.latest_request(application)
    changes = corrections.answer_changes(document, application.answers, answers)
    return render(
        request,
        "procedures/correction_check.html",
        {
            "application": application,
            "procedure": application.procedure,
            "document": document,
            "sections": sections,
            "request_event": request_event,
            "changed": set(changes),
            "pending_changes": correction_selectors.changes_of(document, changes),
            "error": problem,
            "message": request.POST.get("message", "") if request.method == "POST" else "",
        },
        status=status,
    )


@require_POST
@resident_required
def correction_discard(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """Undo the changes not sent yet; the answers stay as they were."""
    application = _own_application(request, receipt_number)
    try:
        corrections.discard_correction_draft(request.user, application)
    except DomainError as error:
        return _not_pending(request, application, error)
    messages.success(request, _("変更を取り消しました。"))
    return redirect(_check_url(application))
