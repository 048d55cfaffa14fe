"""The form builder (様式作成) for department administrators, under /staff/builder/.

Every page works as plain forms (POST-redirect-GET); htmx only swaps the main region in place.
Procedures of other departments are simply not found (404).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.procedures import policies, selectors
from jichitai.procedures.builder_forms import (
    ConditionForm,
    DeleteForm,
    ImportForm,
    PageForm,
    ProcedureForm,
    QuestionForm,
    RevisionForm,
    SettingsForm,
    UnpublishForm,
    add_document_problems,
    condition_choices,
    condition_sentences,
    dedupe_value,
)
from jichitai.procedures.formdoc import rendering, routing, schema
from jichitai.procedures.formdoc.answers import UploadCandidate, clean_page
from jichitai.procedures.formdoc.messages import where
from jichitai.procedures.models import FormDraft, Procedure
from jichitai.procedures.services import builder, catalogue

PREVIEW_SALT = "procedures.builder.preview"


def tolerates_broken_drafts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A stored draft that no longer passes the schema (e.g. saved before a rule was added) is
    shown as its problems, with import and export to repair it, instead of failing."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, slug, *args, **kwargs)
        except builder.InvalidDocument as error:
            procedure = _procedure(request, slug)
            problems = [
                f"{where(p.loc)}：{p.message}" if where(p.loc) else p.message
                for p in error.problems
            ]
            return render(
                request,
                "procedures/builder/broken.html",
                {"procedure": procedure, "problems": problems},
                status=409,
            )

    return wrapper


def _departments(request: HttpRequest) -> list[Any]:
    departments = policies.builder_departments(request.user)
    if not departments:
        raise PermissionDenied
    return departments


def _procedure(request: HttpRequest, slug: str) -> Procedure:
    _departments(request)
    return get_object_or_404(
        policies.procedures_buildable_by(request.user).select_related("live_form", "department"),
        slug=slug,
    )


def _overview_url(procedure: Procedure) -> str:
    return reverse("procedures:builder_form", args=[procedure.slug])


def _page_url(procedure: Procedure, page_id: str) -> str:
    return reverse("procedures:builder_page", args=[procedure.slug, page_id])


def _posted(request: HttpRequest) -> Any:
    """The submitted fields for a POST, even none at all, so that an empty submission is
    checked (and refused next to its fields) instead of showing the blank form as if it had
    never been sent; None for GET."""
    return request.POST if request.method == "POST" else None


def _revision(request: HttpRequest) -> int:
    form = RevisionForm(request.POST)
    if not form.is_valid():
        raise DomainError(
            "builder.conflict", _("画面を読み込み直してから、もう一度操作してください。")
        )
    return int(form.cleaned_data["revision"])


def _report(request: HttpRequest, error: DomainError) -> None:
    """A refused action, said as a message on the page the user goes back to."""
    if isinstance(error, builder.InvalidDocument):
        for problem in error.problems:
            place = where(problem.loc)
            messages.error(request, f"{place}：{problem.message}" if place else problem.message)
    else:
        messages.error(request, error.message)


@require_safe
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The department's procedures, each with its live form version and draft state."""
    departments = _departments(request)
    procedures = (
        policies.procedures_buildable_by(request.user)
        .select_related("department", "live_form", "form_draft")
        .order_by("department__sort_order", "title_ja")
    )
    return render(
        request,
        "procedures/builder/index.html",
        {"procedures": procedures, "departments": departments},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def procedure_new(request: HttpRequest) -> HttpResponse:
    departments = _departments(request)
    form = ProcedureForm(_posted(request), departments=departments)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        procedure = builder.create_procedure(actor=request.user, **fields)
        messages.success(request, _("手続きを作成しました。続けて様式を作成してください。"))
        return redirect(_overview_url(procedure))
    return render(
        request,
        "procedures/builder/procedure_form.html",
        {"form": form, "procedure": None},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def procedure_edit(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    form = ProcedureForm(_posted(request), instance=procedure, departments=_departments(request))
    if request.method == "POST":
        # Read the changes off the form without letting ModelForm write them to the instance.
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.fields}
            fresh = Procedure.objects.get(pk=procedure.pk)
            catalogue.update_procedure(fresh, actor=request.user, **changes)
            messages.success(request, _("手続きの情報を保存しました。"))
            return redirect(_overview_url(fresh))
        procedure.refresh_from_db()
    return render(
        request,
        "procedures/builder/procedure_form.html",
        {"form": form, "procedure": procedure},
        status=400 if form.is_bound else 200,
    )


def _form_context(procedure: Procedure, draft: FormDraft) -> dict[str, Any]:
    """The draft and what still stands in the way of publishing it."""
    document = builder.check(draft.document)
    try:
        builder.check(draft.document, draft=False)
        problems: list[str] = []
    except builder.InvalidDocument as error:
        problems = [
            f"{where(p.loc)}：{p.message}" if where(p.loc) else p.message for p in error.problems
        ]
    return {"procedure": procedure, "draft": draft, "document": document, "problems": problems}


def _settings_form(draft: FormDraft, document: schema.FormDocument) -> SettingsForm:
    declaration = document.declaration
    return SettingsForm(
        initial={
            "revision": draft.revision,
            "title_ja": document.title.ja,
            "title_en": document.title.en,
            "declaration_ja": declaration.ja if declaration else "",
            "declaration_en": declaration.en if declaration else "",
            "dedupe": dedupe_value(document),
        },
        document=document,
    )


@require_safe
@staff_required
@tolerates_broken_drafts
def form_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """The form draft: its pages and questions, with every action the builder offers."""
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    context = _form_context(procedure, draft)
    context["settings_form"] = _settings_form(draft, context["document"])
    context["page_form"] = PageForm(initial={"revision": draft.revision}, auto_id="new-page-%s")
    return render(request, "procedures/builder/form.html", context)


@require_POST
@staff_required
@tolerates_broken_drafts
def form_settings(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    form = SettingsForm(request.POST, document=builder.check(draft.document))
    if form.is_valid():
        data = form.cleaned_data
        declaration = (
            {"ja": data["declaration_ja"], "en": data["declaration_en"]}
            if data["declaration_ja"]
            else None
        )
        try:
            builder.update_settings(
                draft,
                data["revision"],
                title={"ja": data["title_ja"], "en": data["title_en"]},
                declaration=declaration,
                actor=request.user,
                dedupe=form.dedupe_rule(),
            )
            messages.success(request, _("様式の設定を保存しました。"))
            return redirect(_overview_url(procedure))
        except builder.InvalidDocument as error:
            add_document_problems(form, error.problems)
        except DomainError as error:
            form.add_error(None, error.message)
    context = _form_context(procedure, draft)
    context.update(
        settings_form=form,
        page_form=PageForm(initial={"revision": draft.revision}, auto_id="new-page-%s"),
    )
    return render(request, "procedures/builder/form.html", context, status=400)


@require_POST
@staff_required
@tolerates_broken_drafts
def page_add(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    form = PageForm(request.POST, auto_id="new-page-%s")
    if form.is_valid():
        page = form.page()
        if page["exit_message"] is None:
            del page["exit_message"]
        try:
            builder.add_page(draft, form.cleaned_data["revision"], page, actor=request.user)
            messages.success(request, _("ページを追加しました。"))
            return redirect(_page_url(procedure, page["id"]))
        except builder.InvalidDocument as error:
            add_document_problems(form, error.problems)
        except DomainError as error:
            form.add_error(None, error.message)
    context = _form_context(procedure, draft)
    context.update(
        page_form=form,
        settings_form=_settings_form(draft, context["document"]),
    )
    return render(request, "procedures/builder/form.html", context, status=400)


def _draft_page(document: schema.FormDocument, page_id: str) -> schema.Page:
    page = document.page(page_id)
    if page is None:
        raise Http404
    return page


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def page_detail(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    """One page: its heading or exit message, its conditions and its questions."""
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    document = builder.check(draft.document)
    page = _draft_page(document, page_id)
    form = PageForm(
        _posted(request),
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
                return redirect(_page_url(procedure, new_id))
            except builder.InvalidDocument as error:
                add_document_problems(form, error.problems)
            except DomainError as error:
                form.add_error(None, error.message)
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


def _labels(document: schema.FormDocument) -> dict[str, str]:
    return {question.id: question.label.ja for question in document.questions().values()}


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
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    target = _overview_url(procedure)
    try:
        revision = _revision(request)
        if action in ("up", "down"):
            builder.move_page(draft, revision, page_id, action, actor=request.user)
            messages.success(request, _("ページを移動しました。"))
        else:
            raise Http404
    except DomainError as error:
        _report(request, error)
    return redirect(target + f"#page-{page_id}")


def _delete_page(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    document = builder.check(draft.document)
    page = _draft_page(document, page_id)
    form = DeleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data["revision"]
        try:
            builder.delete_page(draft, revision, page_id, actor=request.user)
        except DomainError as error:
            _report(request, error)
            return redirect(_overview_url(procedure) + f"#page-{page_id}")
        messages.success(request, _("ページを削除しました。"))
        return redirect(_overview_url(procedure) + "#pages-title")
    asked = {question.id for question in page.questions}
    blockers = _uses_of(document, asked, page_id)
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
        "back": _overview_url(procedure) + f"#page-{page_id}",
    }
    return _confirmation(request, context, form)


def _uses_of(
    document: schema.FormDocument, question_ids: set[str], page_id: str | None = None
) -> list[str]:
    """What in the rest of the form uses these questions, said as sentences: conditions of
    other pages and the one-application key. The builder refuses a deletion that would leave
    either pointing at nothing (the draft would no longer pass the schema)."""
    labels = _labels(document)
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


def _confirmation(request: HttpRequest, context: dict[str, Any], form: DeleteForm) -> HttpResponse:
    procedure = context["procedure"]
    context["live_number"] = procedure.live_form.number if procedure.live_form_id else None
    return render(
        request,
        "procedures/builder/delete.html",
        context,
        status=400 if form.is_bound else 200,
    )


@require_POST
@staff_required
@tolerates_broken_drafts
def condition_add(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    document = builder.check(draft.document)
    _draft_page(document, page_id)
    form = ConditionForm(request.POST, choices=condition_choices(document, page_id))
    if not form.is_valid():
        messages.error(request, _("条件を選んでください。"))
        return redirect(_page_url(procedure, page_id))
    question_id, value = form.cleaned_data["answer"].split("=", 1)
    try:
        builder.add_condition(
            draft, form.cleaned_data["revision"], page_id, question_id, [value], actor=request.user
        )
        messages.success(request, _("表示条件を追加しました。"))
    except DomainError as error:
        _report(request, error)
    return redirect(_page_url(procedure, page_id))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def condition_delete(request: HttpRequest, slug: str, page_id: str, position: int) -> HttpResponse:
    """Remove one of a page's display conditions. Asks first: GET says which condition goes
    and when the page shows without it; only the POST from that page (confirm=yes) removes it.
    The form carries the draft's revision, so a condition list changed in between (positions
    moved) is refused as a conflict, never the wrong condition removed."""
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    document = builder.check(draft.document)
    page = _draft_page(document, page_id)
    if not 0 <= position < len(page.show_if):
        raise Http404
    back = _page_url(procedure, page_id) + "#conditions-title"
    form = DeleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data["revision"]
        try:
            builder.remove_condition(draft, revision, page_id, position, actor=request.user)
        except DomainError as error:
            _report(request, error)
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
    return _confirmation(request, context, form)


def _group_id(request: HttpRequest) -> str | None:
    value = request.POST.get("group") or request.GET.get("group") or ""
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
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    document = builder.check(draft.document)
    page = _draft_page(document, page_id)
    group_id, group = _requested_group(request, page)
    existing = _find_question(page, question_id, group_id) if question_id else None
    if existing is not None:
        initial = QuestionForm.initial_from(
            existing.model_dump(mode="json", exclude_defaults=True), draft.revision
        )
    else:
        initial = {"revision": draft.revision, "required": True}
    form = QuestionForm(_posted(request), initial=initial, in_group=group is not None)
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
                    return redirect(_question_url(procedure, page_id, question["id"]))
                if group_id:
                    return redirect(_question_url(procedure, page_id, group_id))
                return redirect(_page_url(procedure, page_id) + f"#question-{question['id']}")
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


def _question_url(procedure: Procedure, page_id: str, question_id: str) -> str:
    return reverse("procedures:builder_question", args=[procedure.slug, page_id, question_id])


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
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    group_id = _group_id(request)
    try:
        revision = _revision(request)
        if action in ("up", "down"):
            builder.move_question(
                draft,
                revision,
                page_id,
                question_id,
                action,
                group_id=group_id,
                actor=request.user,
            )
            messages.success(request, _("質問を移動しました。"))
        else:
            raise Http404
    except DomainError as error:
        _report(request, error)
    if group_id:
        return redirect(_question_url(procedure, page_id, group_id))
    return redirect(_page_url(procedure, page_id) + f"#question-{question_id}")


def _delete_question(
    request: HttpRequest, slug: str, page_id: str, question_id: str
) -> HttpResponse:
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    document = builder.check(draft.document)
    page = _draft_page(document, page_id)
    group_id, group = _requested_group(request, page)
    question = _find_question(page, question_id, group_id)
    if group is not None:
        back = _question_url(procedure, page_id, group.id)
    else:
        back = _page_url(procedure, page_id) + f"#question-{question_id}"
    form = DeleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data["revision"]
        try:
            builder.delete_question(
                draft, revision, page_id, question_id, group_id=group_id, actor=request.user
            )
        except DomainError as error:
            _report(request, error)
            return redirect(back)
        messages.success(request, _("質問を削除しました。"))
        if group is not None:
            return redirect(back)
        return redirect(_page_url(procedure, page_id) + "#questions-title")
    # Conditions and the one-application key use top-level questions only.
    blockers = _uses_of(document, {question_id}) if group is None else []
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
    return _confirmation(request, context, form)


@require_POST
@staff_required
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    try:
        version = builder.publish(procedure, draft, _revision(request), actor=request.user)
        messages.success(
            request,
            _("様式を第%(number)d版として公開しました。") % {"number": version.number},
        )
    except DomainError as error:
        _report(request, error)
    return redirect(_overview_url(procedure))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    """Stop online applications: GET says what that does and asks to confirm; only the POST
    from that page (confirm=yes) stops them."""
    procedure = _procedure(request, slug)
    if procedure.live_form_id is None:
        messages.error(request, _("この様式は公開されていません。"))
        return redirect(_overview_url(procedure))
    form = UnpublishForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            builder.unpublish(procedure, actor=request.user)
            messages.success(request, _("オンライン申請の受付を停止しました。"))
        except DomainError as error:
            _report(request, error)
        return redirect(_overview_url(procedure))
    drafts, applications = selectors.intake_in_progress(procedure)
    return render(
        request,
        "procedures/builder/unpublish.html",
        {"procedure": procedure, "form": form, "drafts": drafts, "applications": applications},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def import_json(request: HttpRequest, slug: str) -> HttpResponse:
    """Replace the draft with a JSON document (uploaded or pasted); nothing changes if it is
    not a valid form."""
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    form = ImportForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"revision": draft.revision},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("upload")
        if upload is not None and upload.size > builder.IMPORT_LIMIT_BYTES:
            raw: bytes | str = b"x" * (builder.IMPORT_LIMIT_BYTES + 1)
        else:
            raw = upload.read() if upload is not None else form.cleaned_data["text"]
        try:
            builder.import_document(
                procedure, draft, form.cleaned_data["revision"], raw, actor=request.user
            )
            messages.success(request, _("JSONを読み込みました。"))
            return redirect(_overview_url(procedure))
        except builder.InvalidDocument as error:
            add_document_problems(form, error.problems)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "procedures/builder/import.html",
        {"procedure": procedure, "form": form, "limit_kb": builder.IMPORT_LIMIT_BYTES // 1024},
        status=400 if form.is_bound else 200,
    )


@require_safe
@staff_required
def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    draft = builder.draft_of(procedure)
    response = HttpResponse(
        builder.export_document(draft), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{procedure.slug}-form.json"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
@tolerates_broken_drafts
def preview(request: HttpRequest, slug: str, page_id: str | None = None) -> HttpResponse:
    """The draft as a resident sees it, page by page. Answers travel in a signed field of the
    page itself: nothing is stored, and files are only named."""
    procedure = _procedure(request, slug)
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
            "step": routing.visible_pages(document, answers).index(current) + 1
            if current in routing.visible_pages(document, answers)
            else 1,
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
