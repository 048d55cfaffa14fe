"""The questions of a page, and of a repeating group (繰り返し) on it: add, edit, move, delete.

A question inside a group is addressed by the group's id in `?group=` (or a posted `group`)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.procedures.builder_forms import DeleteForm, QuestionForm, add_document_problems
from jichitai.procedures.formdoc import schema
from jichitai.procedures.services import builder
from jichitai.procedures.views.builder.common import (
    buildable_procedure,
    move_up_or_down,
    page_url,
    posted,
    question_url,
    report,
    requested_page,
    tolerates_broken_drafts,
)
from jichitai.procedures.views.builder.deletion import confirmation, uses_of


def _group_id(request: HttpRequest) -> str | None:
    """The repeating group a request names, if any; a name no question can have is not found
    (it would also make no URL to return to)."""
    value = request.POST.get("group") or request.GET.get("group") or ""
    if value and not re.fullmatch(schema.IDENTIFIER_PATTERN, value):
        raise Http404
    return value or None


def _requested_group(
    request: HttpRequest, page: schema.Page
) -> tuple[str | None, schema.Question | None]:
    """The repeating group on `page` that the request names (?group= or posted), if any;
    404 when it names a question that is not a group."""
    group_id = _group_id(request)
    group = _find_question(page, group_id, None) if group_id else None
    if group is not None and group.type != "group":
        raise Http404
    return group_id, group


def _find_question(page: schema.Page, question_id: str, group_id: str | None) -> schema.Question:
    questions = page.questions
    if group_id is not None:
        group = next((q for q in questions if q.id == group_id and q.type == "group"), None)
        if group is None:
            raise Http404
        questions = group.questions
    found = next((q for q in questions if q.id == question_id), None)
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def question_edit(
    request: HttpRequest, slug: str, page_id: str, question_id: str | None = None
) -> HttpResponse:
    """Add a question to a page (or to a repeating group on it), or edit one."""
    procedure, draft, _document, page = requested_page(request, slug, page_id)
    group_id, group = _requested_group(request, page)
    existing = _find_question(page, question_id, group_id) if question_id else None
    if existing is not None:
        initial = QuestionForm.initial_from(
            existing.model_dump(mode="json", exclude_defaults=True), draft.revision
        )
    else:
        initial = {"revision": draft.revision, "required": True}
    form = QuestionForm(posted(request), initial=initial, in_group=group is not None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            question = form.question()
            revision = form.cleaned_data["revision"]
            try:
                if existing is None:
                    builder.add_question(
                        draft, revision, page_id, question, group_id=group_id, actor=request.user
                    )
                    messages.success(request, _("質問を追加しました。"))
                else:
                    builder.update_question(
                        draft,
                        revision,
                        page_id,
                        existing.id,
                        question,
                        group_id=group_id,
                        actor=request.user,
                    )
                    messages.success(request, _("質問を保存しました。"))
                if question["type"] == "group" and group_id is None:
                    return redirect(question_url(procedure, page_id, question["id"]))
                if group_id:
                    return redirect(question_url(procedure, page_id, group_id))
                return redirect(page_url(procedure, page_id) + f"#question-{question['id']}")
            except builder.InvalidDocument as error:
                if _is_question_level(error):
                    form.add_problems(error.problems)
                else:
                    add_document_problems(form, error.problems)
            except DomainError as error:
                form.add_error(None, error.message)
    return render(
        request,
        "procedures/builder/question.html",
        {
            "procedure": procedure,
            "draft": draft,
            "page": page,
            "group": group,
            "question": existing,
            "form": form,
        },
        status=status,
    )


def _is_question_level(error: builder.InvalidDocument) -> bool:
    """Problems found checking the question alone (locations start at its own fields)."""
    return not any(problem.loc and problem.loc[0] == "pages" for problem in error.problems)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def question_action(
    request: HttpRequest, slug: str, page_id: str, question_id: str, action: str
) -> HttpResponse:
    """Move a question up or down, or delete it. Deleting asks first: GET says what goes with
    the question and asks to confirm; only the POST from that page (confirm=yes) deletes."""
    if action == "delete":
        return _delete_question(request, slug, page_id, question_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    procedure = buildable_procedure(request, slug)
    draft = builder.draft_of(procedure)
    group_id = _group_id(request)
    move_up_or_down(
        request,
        action,
        lambda revision, direction: builder.move_question(
            draft, revision, page_id, question_id, direction, group_id=group_id, actor=request.user
        ),
        _("質問を移動しました。"),
    )
    if group_id:
        return redirect(question_url(procedure, page_id, group_id))
    return redirect(page_url(procedure, page_id) + f"#question-{question_id}")


def _delete_question(
    request: HttpRequest, slug: str, page_id: str, question_id: str
) -> HttpResponse:
    procedure, draft, document, page = requested_page(request, slug, page_id)
    group_id, group = _requested_group(request, page)
    question = _find_question(page, question_id, group_id)
    if group is not None:
        back = question_url(procedure, page_id, group.id)
    else:
        back = page_url(procedure, page_id) + f"#question-{question_id}"
    form = DeleteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data["revision"]
        try:
            builder.delete_question(
                draft, revision, page_id, question_id, group_id=group_id, actor=request.user
            )
        except DomainError as error:
            report(request, error)
            return redirect(back)
        messages.success(request, _("質問を削除しました。"))
        if group is not None:
            return redirect(back)
        return redirect(page_url(procedure, page_id) + "#questions-title")
    # Conditions and the one-application key use top-level questions only.
    blockers = uses_of(document, {question_id}) if group is None else []
    context = {
        "procedure": procedure,
        "draft": draft,
        "form": form,
        "kind": "question",
        "subject": question.label.ja,
        "page": page,
        "group": group,
        "going": [child.label.ja for child in question.questions],
        "conditions": 0,
        "blockers": blockers,
        "back": back,
    }
    return confirmation(request, context, form)
