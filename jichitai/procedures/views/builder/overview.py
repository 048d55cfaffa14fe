"""The form draft's overview page: its pages and questions, what stands in the way of
publishing it, and the form's settings (title, declaration, the one-application key)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.procedures.builder_forms import PageForm, SettingsForm, dedupe_value
from jichitai.procedures.formdoc import schema
from jichitai.procedures.formdoc.messages import problem_lines
from jichitai.procedures.models import FormDraft, Procedure
from jichitai.procedures.services import builder
from jichitai.procedures.views.builder.common import (
    buildable_procedure,
    overview_url,
    refuse_on_form,
    tolerates_broken_drafts,
)


def render_overview(
    request: HttpRequest,
    procedure: Procedure,
    draft: FormDraft,
    *,
    settings_form: SettingsForm | None = None,
    page_form: PageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The overview page, with a refused settings or new-page form shown as it was sent."""
    document = builder.check(draft.document)
    try:
        builder.check(draft.document, draft=False)
        problems: list[str] = []
    except builder.InvalidDocument as error:
        problems = problem_lines(error.problems)
    if settings_form is None:
        settings_form = _settings_form(draft, document)
    if page_form is None:
        page_form = PageForm(initial={"revision": draft.revision}, auto_id="new-page-%s")
    context: dict[str, Any] = {
        "procedure": procedure,
        "draft": draft,
        "document": document,
        "problems": problems,
        "settings_form": settings_form,
        "page_form": page_form,
    }
    return render(request, "procedures/builder/form.html", context, status=status)


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
    procedure = buildable_procedure(request, slug)
    return render_overview(request, procedure, builder.draft_of(procedure))


@require_POST
@staff_required
@tolerates_broken_drafts
def form_settings(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = buildable_procedure(request, slug)
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
            return redirect(overview_url(procedure))
        except DomainError as error:
            refuse_on_form(form, error)
    return render_overview(request, procedure, draft, settings_form=form, status=400)
