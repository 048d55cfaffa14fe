"""What every builder view shares: who may build, the requested procedure and page of its
draft, the posted revision that detects conflicting edits, and refusals said to the user."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.procedures import policies
from jichitai.procedures.builder_forms import RevisionForm, add_document_problems
from jichitai.procedures.formdoc import schema
from jichitai.procedures.formdoc.messages import problem_lines
from jichitai.procedures.models import FormDraft, Procedure
from jichitai.procedures.services import builder


def tolerates_broken_drafts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A stored draft that no longer passes the schema (e.g. saved before a rule was added) is
    shown as its problems, with import and export to repair it, instead of failing."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, slug, *args, **kwargs)
        except builder.InvalidDocument as error:
            procedure = buildable_procedure(request, slug)
            return render(
                request,
                "procedures/builder/broken.html",
                {"procedure": procedure, "problems": problem_lines(error.problems)},
                status=409,
            )

    return wrapper


def builder_departments(request: HttpRequest) -> list[Any]:
    """The departments whose forms the user builds; refused (403) when there are none."""
    departments = policies.builder_departments(request.user)
    if not departments:
        raise PermissionDenied
    return departments


def buildable_procedure(request: HttpRequest, slug: str) -> Procedure:
    """The procedure named in the URL; another department's is not found (404)."""
    builder_departments(request)
    return get_object_or_404(
        policies.procedures_buildable_by(request.user).select_related("live_form", "department"),
        slug=slug,
    )


class DraftPage(NamedTuple):
    procedure: Procedure
    draft: FormDraft
    document: schema.FormDocument
    page: schema.Page


def requested_page(request: HttpRequest, slug: str, page_id: str) -> DraftPage:
    """The page named in the URL, in the procedure's checked draft; 404 when there is none."""
    procedure = buildable_procedure(request, slug)
    draft = builder.draft_of(procedure)
    document = builder.check(draft.document)
    page = document.page(page_id)
    if page is None:
        raise Http404
    return DraftPage(procedure, draft, document, page)


def overview_url(procedure: Procedure) -> str:
    return reverse("procedures:builder_form", args=[procedure.slug])


def page_url(procedure: Procedure, page_id: str) -> str:
    return reverse("procedures:builder_page", args=[procedure.slug, page_id])


def question_url(procedure: Procedure, page_id: str, question_id: str) -> str:
    return reverse("procedures:builder_question", args=[procedure.slug, page_id, question_id])


def posted(request: HttpRequest) -> Any:
    """The submitted fields for a POST, even none at all, so that an empty submission is
    checked (and refused next to its fields) instead of showing the blank form as if it had
    never been sent; None for GET."""
    return request.POST if request.method == "POST" else None


def posted_revision(request: HttpRequest) -> int:
    """The draft revision the page was drawn from; the service refuses it once out of date."""
    form = RevisionForm(request.POST)
    if not form.is_valid():
        raise DomainError(
            "builder.conflict", _("画面を読み込み直してから、もう一度操作してください。")
        )
    return int(form.cleaned_data["revision"])


def report(request: HttpRequest, error: DomainError) -> None:
    """A refused action, said as a message on the page the user goes back to."""
    if isinstance(error, builder.InvalidDocument):
        for line in problem_lines(error.problems):
            messages.error(request, line)
    else:
        messages.error(request, error.message)


def refuse_on_form(form: Form, error: DomainError) -> None:
    """A refused edit, said above the form that asked for it."""
    if isinstance(error, builder.InvalidDocument):
        add_document_problems(form, error.problems)
    else:
        form.add_error(None, error.message)


def move_up_or_down(
    request: HttpRequest, action: str, mover: Callable[[int, str], object], done: str
) -> None:
    """Move something "up" or "down" with `mover(revision, direction)`; a refusal is reported
    as a message, and any other action is not found (404)."""
    try:
        revision = posted_revision(request)
        if action not in ("up", "down"):
            raise Http404
        mover(revision, action)
        messages.success(request, done)
    except DomainError as error:
        report(request, error)
