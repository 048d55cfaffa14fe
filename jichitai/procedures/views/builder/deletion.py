"""What a deletion in the builder asks first: the confirmation page, and what elsewhere in the
form would be left pointing at the deleted questions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jichitai.procedures.builder_forms import DeleteForm
from jichitai.procedures.formdoc import schema


def uses_of(
    document: schema.FormDocument, question_ids: set[str], page_id: str | None = None
) -> list[str]:
    """What in the rest of the form uses these questions, said as sentences: conditions of
    other pages and the one-application key. The builder refuses a deletion that would leave
    either pointing at nothing (the draft would no longer pass the schema)."""
    labels = {question.id: question.label.ja for question in document.questions().values()}
    uses = []
    for other in document.pages:
        if other.id == page_id:
            continue
        for condition in other.show_if:
            if condition.question in question_ids:
                uses.append(
                    _("ページ「%(page)s」の表示条件（「%(question)s」の回答）")
                    % {"page": other.title.ja, "question": labels.get(condition.question, "")}
                )
    if document.dedupe and document.dedupe.question in question_ids:
        uses.append(
            _("様式の設定「申請の重複を防ぐ」で使う質問（「%(question)s」）")
            % {"question": labels.get(document.dedupe.question, "")}
        )
    return uses


def confirmation(request: HttpRequest, context: dict[str, Any], form: DeleteForm) -> HttpResponse:
    """The page asking to confirm a deletion (400 when a posted answer did not confirm it)."""
    procedure = context["procedure"]
    context["live_number"] = procedure.live_form.number if procedure.live_form_id else None
    return render(
        request,
        "procedures/builder/delete.html",
        context,
        status=400 if form.is_bound else 200,
    )
