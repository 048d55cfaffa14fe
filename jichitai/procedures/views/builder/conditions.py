"""A page's display conditions (表示条件): add one, or remove one after asking."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.procedures.builder_forms import (
    ConditionForm,
    DeleteForm,
    condition_choices,
    condition_sentences,
)
from jichitai.procedures.services import builder
from jichitai.procedures.views.builder.common import (
    page_url,
    posted,
    report,
    requested_page,
    tolerates_broken_drafts,
)
from jichitai.procedures.views.builder.deletion import confirmation


@require_POST
@staff_required
@tolerates_broken_drafts
def condition_add(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    procedure, draft, document, _page = requested_page(request, slug, page_id)
    form = ConditionForm(request.POST, choices=condition_choices(document, page_id))
    if not form.is_valid():
        messages.error(request, _("条件を選んでください。"))
        return redirect(page_url(procedure, page_id))
    question_id, value = form.cleaned_data["answer"].split("=", 1)
    try:
        builder.add_condition(
            draft, form.cleaned_data["revision"], page_id, question_id, [value], actor=request.user
        )
        messages.success(request, _("表示条件を追加しました。"))
    except DomainError as error:
        report(request, error)
    return redirect(page_url(procedure, page_id))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def condition_delete(request: HttpRequest, slug: str, page_id: str, position: int) -> HttpResponse:
    """Remove one of a page's display conditions. Asks first: GET says which condition goes
    and when the page shows without it; only the POST from that page (confirm=yes) removes it.
    The form carries the draft's revision, so a condition list changed in between (positions
    moved) is refused as a conflict, never the wrong condition removed."""
    procedure, draft, document, page = requested_page(request, slug, page_id)
    if not 0 <= position < len(page.show_if):
        raise Http404
    back = page_url(procedure, page_id) + "#conditions-title"
    form = DeleteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data["revision"]
        try:
            builder.remove_condition(draft, revision, page_id, position, actor=request.user)
        except DomainError as error:
            report(request, error)
            return redirect(back)
        messages.success(request, _("表示条件を削除しました。"))
        return redirect(back)
    sentences = condition_sentences(document, page)
    context = {
        "procedure": procedure,
        "draft": draft,
        "form": form,
        "kind": "condition",
        "subject": sentences[position],
        "page": page,
        "remaining": sentences[:position] + sentences[position + 1 :],
        "blockers": [],
        "back": back,
    }
    return confirmation(request, context, form)
