"""The draft as a JSON document: replace it with an uploaded or pasted one, or download it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.procedures.builder_forms import ImportForm
from jichitai.procedures.services import builder
from jichitai.procedures.views.builder.common import (
    buildable_procedure,
    overview_url,
    posted,
    refuse_on_form,
)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def import_json(request: HttpRequest, slug: str) -> HttpResponse:
    """Replace the draft with a JSON document (uploaded or pasted); nothing changes if it is
    not a valid form."""
    procedure = buildable_procedure(request, slug)
    draft = builder.draft_of(procedure)
    form = ImportForm(
        posted(request),
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
            return redirect(overview_url(procedure))
        except DomainError as error:
            refuse_on_form(form, error)
    return render(
        request,
        "procedures/builder/import.html",
        {"procedure": procedure, "form": form, "limit_kb": builder.IMPORT_LIMIT_BYTES // 1024},
        status=400 if form.is_bound else 200,
    )


@require_safe
@staff_required
def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = buildable_procedure(request, slug)
    draft = builder.draft_of(procedure)
    response = HttpResponse(
        builder.export_document(draft), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{procedure.slug}-form.json"'
    return response
