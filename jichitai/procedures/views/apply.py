"""The resident's journey: start, one page at a time, check answers, submit, receipt."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jichitai.accounts.models import User
from jichitai.core.errors import DomainError
from jichitai.procedures import correction_selectors, selectors
from jichitai.procedures.formdoc import rendering, routing, schema
from jichitai.procedures.models import ApplicationDraft, ApplicationStatus, Procedure
from jichitai.procedures.receipts import normalise
from jichitai.procedures.services import intake, resident_actions, resume_links


def resident_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign in first; staff accounts do not apply (they use their own resident account)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_resident:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _procedure(slug: str) -> Procedure:
    procedure = selectors.published_procedure(slug)
    if procedure is None:
        raise Http404
    return procedure


def _unavailable(request: HttpRequest, procedure: Procedure, error: DomainError) -> HttpResponse:
    return render(
        request,
        "procedures/apply_unavailable.html",
        {"procedure": procedure, "error": error},
        status=409,
    )


def _page_url(procedure: Procedure, page: schema.Page) -> str:
    return reverse("procedures:apply_page", args=[procedure.slug, page.id])


def _check_url(procedure: Procedure) -> str:
    return reverse("procedures:apply_check", args=[procedure.slug])


@require_POST
@resident_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Open (or resume) the resident's draft and go to the first page still to answer."""
    procedure = _procedure(slug)
    try:
        draft = intake.draft_for(request.user, procedure)
    except DomainError as error:
        return _unavailable(request, procedure, error)
    return redirect(_where_to_continue(procedure, draft))


def _where_to_continue(procedure: Procedure, draft: ApplicationDraft) -> str:
    """The first page still to answer, or check-your-answers when all are answered."""
    document = draft.form_version.form()
    for page in routing.visible_pages(document, draft.answers):
        if page.exit_message is not None or any(q.id not in draft.answers for q in page.questions):
            return _page_url(procedure, page)
    return _check_url(procedure)


@require_POST
@resident_required
def save_for_later(request: HttpRequest, slug: str) -> HttpResponse:
    """Stop here and get a link by e-mail to continue later, on any device."""
    procedure = _procedure(slug)
    resident = cast(User, request.user)
    draft = ApplicationDraft.objects.filter(applicant=resident, procedure=procedure).first()
    if draft is None:
        raise Http404
    resume_links.send_resume_link(draft)
    return render(
        request,
        "procedures/apply_saved.html",
        {"procedure": procedure, "days": resume_links.RESUME_LINK_DAYS},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def resume_draft(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: confirm with a button (mail scanners follow links but do not press
    buttons), then sign in and continue."""
    try:
        draft = resume_links.draft_for_link(token)
        if request.method == "POST":
            draft = resume_links.use_resume_link(request, token)
            return redirect(_where_to_continue(draft.procedure, draft))
    except DomainError as error:
        return render(request, "procedures/resume_draft.html", {"error": error}, status=400)
    return render(request, "procedures/resume_draft.html", {"draft": draft})


def _journey(
    request: HttpRequest, slug: str
) -> tuple[Procedure, ApplicationDraft, schema.FormDocument]:
    procedure = _procedure(slug)
    draft = intake.draft_for(request.user, procedure)
    return procedure, draft, draft.form_version.form()


@require_http_methods(["GET", "HEAD", "POST"])
@resident_required
def page(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    try:
        procedure, draft, document = _journey(request, slug)
    except DomainError as error:
        return _unavailable(request, _procedure(slug), error)
    pages = routing.visible_pages(document, draft.answers)
    current = next((p for p in pages if p.id == page_id), None)
    if current is None:
        raise Http404
    previous = routing.previous_page(document, draft.answers, page_id)
    back_url = (
        _page_url(procedure, previous)
        if previous
        else reverse("procedures:procedure_detail", args=[procedure.slug])
    )
    context: dict[str, Any] = {
        "procedure": procedure,
        "document": document,
        "page": current,
        "back_url": back_url,
        "step": pages.index(current) + 1,
        "errors": {},
        "changing": request.GET.get("change") == "1",
    }
    if current.exit_message is not None:
        return render(request, "procedures/apply_exit.html", context)
    if request.method == "POST" and "add_row" in request.POST:
        data = rendering.posted_data_with_added_row(current, request.POST, request.POST["add_row"])
        return render(request, "procedures/apply_page.html", {**context, "data": data})
    if request.method == "POST":
        try:
            result = intake.save_page(draft, page_id, request.POST, request.FILES)
        except DomainError as error:
            return _unavailable(request, procedure, error)
        if result.valid:
            following = routing.next_page(document, draft.answers, page_id)
            if following is None or (
                context["changing"]
                and following.exit_message is None
                and all(q.id in draft.answers for q in following.questions)
            ):
                return redirect(_check_url(procedure))
            return redirect(
                _page_url(procedure, following) + ("?change=1" if context["changing"] else "")
            )
        data = rendering.posted_data(current, request.POST)
        return render(
            request,
            "procedures/apply_page.html",
            {**context, "data": data, "errors": result.errors},
            status=400,
        )
    data = rendering.form_data(current, draft.answers)
    return render(request, "procedures/apply_page.html", {**context, "data": data})


@require_http_methods(["GET", "HEAD", "POST"])
@resident_required
def check(request: HttpRequest, slug: str) -> HttpResponse:
    """Check your answers (確認), declare, and submit."""
    try:
        procedure, draft, document = _journey(request, slug)
    except DomainError as unavailable:
        return _unavailable(request, _procedure(slug), unavailable)
    if routing.exit_page(document, draft.answers) is not None:
        return redirect(_page_url(procedure, routing.visible_pages(document, draft.answers)[-1]))
    answers = routing.effective_answers(document, draft.answers)
    sections = [
        (p, rendering.summary(p, answers)) for p in routing.visible_pages(document, answers)
    ]
    problem = ""
    status = 200
    if request.method == "POST":
        token = request.POST.get("submission_token", "")
        if document.declaration is not None and request.POST.get("declaration") != "yes":
            problem, status = _("申請するには、宣誓の内容を確認してチェックを入れてください。"), 400
        else:
            try:
                application = intake.submit(request.user, procedure, token)
            except DomainError as failure:
                if failure.code == "application.incomplete" and failure.field:
                    messages.error(request, failure.message)
                    return redirect(
                        _page_url(procedure, document.page(failure.field) or document.pages[0])
                    )
                problem, status = failure.message, 400
            else:
                return redirect("procedures:application_detail", application.receipt_number)
    return render(
        request,
        "procedures/apply_check.html",
        {
            "procedure": procedure,
            "document": document,
            "sections": sections,
            "draft": draft,
            "error": problem,
        },
        status=status,
    )


@require_safe
@resident_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = selectors.applications_of(request.user)
    return render(request, "procedures/my_applications.html", {"applications": applications})


@require_safe
@resident_required
def application_detail(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """One of the resident's own applications; anyone else's is simply not found (404)."""
    application = get_object_or_404(
        selectors.applications_of(request.user), receipt_number=normalise(receipt_number)
    )
    document = application.form_version.form()
    sections = [
        (p, rendering.summary(p, application.answers))
        for p in routing.visible_pages(document, application.answers)
    ]
    events = list(application.events.all())
    request_event = next(
        (e for e in reversed(events) if e.to_status == ApplicationStatus.CORRECTION_REQUESTED), None
    )
    return render(
        request,
        "procedures/application_detail.html",
        {
            "application": application,
            "document": document,
            "sections": sections,
            "revisions": correction_selectors.answer_revisions(document, events),
            "correction_pages": correction_selectors.page_titles(document, request_event.pages)
            if request_event is not None
            and application.status == ApplicationStatus.CORRECTION_REQUESTED
            else [],
        },
    )


def _own_application(request: HttpRequest, receipt_number: str) -> Any:
    return get_object_or_404(
        selectors.applications_of(request.user), receipt_number=normalise(receipt_number)
    )


@require_POST
@resident_required
def answer_correction(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """Send what the department asked for in a correction request (補正)."""
    application = _own_application(request, receipt_number)
    try:
        resident_actions.answer_correction(
            request.user,
            application,
            message=request.POST.get("message", ""),
            upload=request.FILES.get("upload"),
        )
        messages.success(request, _("補正の内容を送りました。"))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("procedures:application_detail", application.receipt_number)


@require_http_methods(["GET", "HEAD", "POST"])
@resident_required
def withdraw(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """Ask for confirmation, then withdraw the application (取下げ)."""
    application = _own_application(request, receipt_number)
    if request.method == "POST":
        try:
            resident_actions.withdraw(request.user, application)
            messages.success(request, _("申請を取り下げました。"))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("procedures:application_detail", application.receipt_number)
    return render(request, "procedures/withdraw.html", {"application": application})
