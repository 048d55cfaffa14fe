"""The draft as a resident sees it, page by page, without storing anything."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from jichitai.accounts.views import staff_required
from jichitai.procedures.formdoc import rendering, routing, schema
from jichitai.procedures.formdoc.answers import UploadCandidate, clean_page
from jichitai.procedures.models import Procedure
from jichitai.procedures.services import builder
from jichitai.procedures.views.builder.common import buildable_procedure, tolerates_broken_drafts

PREVIEW_SALT = "procedures.builder.preview"


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def preview(request: HttpRequest, slug: str, page_id: str | None = None) -> HttpResponse:
    """The draft as a resident sees it, page by page. Answers travel in a signed field of the
    page itself: nothing is stored, and files are only named."""
    procedure = buildable_procedure(request, slug)
    draft = builder.draft_of(procedure)
    document = builder.check(draft.document)
    answers: dict[str, Any] = {}
    state = request.POST.get("state") or request.GET.get("state") or ""
    if state:
        try:
            answers = signing.loads(state, salt=PREVIEW_SALT)
        except signing.BadSignature:
            answers = {}
    pages = routing.visible_pages(document, answers)
    if page_id is None:
        current: schema.Page | None = pages[0] if pages else None
    else:
        current = next((p for p in pages if p.id == page_id), None)
    if current is None:
        raise Http404
    errors: dict[str, Any] = {}
    data = rendering.form_data(current, answers)
    status = 200
    if request.method == "POST" and current.exit_message is None:
        if "add_row" in request.POST:
            data = rendering.posted_data_with_added_row(
                current, request.POST, request.POST["add_row"]
            )
        else:
            result = clean_page(current, request.POST, request.FILES, kept_files={})
            if result.valid:
                for question in current.questions:
                    answers.pop(question.id, None)
                answers.update(
                    {
                        key: {"name": value.file.name}
                        if isinstance(value, UploadCandidate)
                        else value
                        for key, value in result.values.items()
                    }
                )
                following = routing.next_page(document, answers, current.id)
                if following is None:
                    return _preview_end(request, procedure, document, answers)
                current, data = following, rendering.form_data(following, answers)
            else:
                errors, status = result.errors, 400
                data = rendering.posted_data(current, request.POST)
    visible = routing.visible_pages(document, answers)
    return render(
        request,
        "procedures/builder/preview.html",
        {
            "procedure": procedure,
            "document": document,
            "page": current,
            "data": data,
            "errors": errors,
            "state": signing.dumps(answers, salt=PREVIEW_SALT),
            "step": visible.index(current) + 1 if current in visible else 1,
        },
        status=status,
    )


def _preview_end(
    request: HttpRequest, procedure: Procedure, document: schema.FormDocument, answers: Any
) -> HttpResponse:
    effective = routing.effective_answers(document, answers)
    sections = [
        (page, rendering.summary(page, effective))
        for page in routing.visible_pages(document, effective)
    ]
    return render(
        request,
        "procedures/builder/preview_end.html",
        {"procedure": procedure, "document": document, "sections": sections},
    )
