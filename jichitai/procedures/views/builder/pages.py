"""The pages of a form draft: add one, edit its heading or exit message, move it, delete it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.procedures.builder_forms import (
    ConditionForm,
    DeleteForm,
    PageForm,
    condition_choices,
    condition_sentences,
)
from jichitai.procedures.services import builder
from jichitai.procedures.views.builder.common import (
    buildable_procedure,
    move_up_or_down,
    overview_url,
    page_url,
    posted,
    refuse_on_form,
    report,
    requested_page,
    tolerates_broken_drafts,
)
from jichitai.procedures.views.builder.deletion import confirmation, uses_of
from jichitai.procedures.views.builder.overview import render_overview


@require_POST
@staff_required
@tolerates_broken_drafts
def page_add(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = buildable_procedure(request, slug)
    draft = builder.draft_of(procedure)
    form = PageForm(request.POST, auto_id="new-page-%s")
    if form.is_valid():
        page = form.page()
        if page["exit_message"] is None:
            del page["exit_message"]
        try:
            builder.add_page(draft, form.cleaned_data["revision"], page, actor=request.user)
            messages.success(request, _("ページを追加しました。"))
            return redirect(page_url(procedure, page["id"]))
        except DomainError as error:
            refuse_on_form(form, error)
    return render_overview(request, procedure, draft, page_form=form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def page_detail(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    """One page: its heading or exit message, its conditions and its questions."""
    procedure, draft, document, page = requested_page(request, slug, page_id)
    form = PageForm(
        posted(request),
        initial={
            "revision": draft.revision,
            "page_id": page.id,
            "title_ja": page.title.ja,
            "title_en": page.title.en,
            "exit_ja": page.exit_message.ja if page.exit_message else "",
            "exit_en": page.exit_message.en if page.exit_message else "",
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = form.page()
            new_id = changes.pop("id")
            changes["id"] = new_id
            try:
                builder.update_page(
                    draft, form.cleaned_data["revision"], page_id, changes, actor=request.user
                )
                messages.success(request, _("ページを保存しました。"))
                return redirect(page_url(procedure, new_id))
            except DomainError as error:
                refuse_on_form(form, error)
    choices = condition_choices(document, page_id)
    return render(
        request,
        "procedures/builder/page.html",
        {
            "procedure": procedure,
            "draft": draft,
            "document": document,
            "page": page,
            "form": form,
            "conditions": condition_sentences(document, page),
            "condition_form": ConditionForm(initial={"revision": draft.revision}, choices=choices)
            if choices
            else None,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def page_action(request: HttpRequest, slug: str, page_id: str, action: str) -> HttpResponse:
    """Move a page up or down, or delete it. Deleting asks first: GET says what goes with the
    page and asks to confirm; only the POST from that page (confirm=yes) deletes."""
    if action == "delete":
        return _delete_page(request, slug, page_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    procedure = buildable_procedure(request, slug)
    draft = builder.draft_of(procedure)
    move_up_or_down(
        request,
        action,
        lambda revision, direction: builder.move_page(
            draft, revision, page_id, direction, actor=request.user
        ),
        _("ページを移動しました。"),
    )
    return redirect(overview_url(procedure) + f"#page-{page_id}")


def _delete_page(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    procedure, draft, document, page = requested_page(request, slug, page_id)
    form = DeleteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data["revision"]
        try:
            builder.delete_page(draft, revision, page_id, actor=request.user)
        except DomainError as error:
            report(request, error)
            return redirect(overview_url(procedure) + f"#page-{page_id}")
        messages.success(request, _("ページを削除しました。"))
        return redirect(overview_url(procedure) + "#pages-title")
    asked = {question.id for question in page.questions}
    blockers = uses_of(document, asked, page_id)
    if len(document.pages) == 1:
        blockers.append(_("最後のページは削除できません。"))
    context = {
        "procedure": procedure,
        "draft": draft,
        "form": form,
        "kind": "page",
        "subject": page.title.ja,
        "page": page,
        "going": [question.label.ja for question in page.questions],
        "conditions": len(page.show_if),
        "blockers": blockers,
        "back": overview_url(procedure) + f"#page-{page_id}",
    }
    return confirmation(request, context, form)
