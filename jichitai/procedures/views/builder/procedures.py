"""The department's procedures in the builder: the list, a new procedure and its details."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from jichitai.accounts.views import staff_required
from jichitai.procedures import policies
from jichitai.procedures.builder_forms import ProcedureForm
from jichitai.procedures.models import Procedure
from jichitai.procedures.services import builder, catalogue
from jichitai.procedures.views.builder.common import (
    buildable_procedure,
    builder_departments,
    overview_url,
    posted,
)


@require_safe
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The department's procedures, each with its live form version and draft state."""
    departments = builder_departments(request)
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
    departments = builder_departments(request)
    form = ProcedureForm(posted(request), departments=departments)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        procedure = builder.create_procedure(actor=request.user, **fields)
        messages.success(request, _("手続きを作成しました。続けて様式を作成してください。"))
        return redirect(overview_url(procedure))
    return render(
        request,
        "procedures/builder/procedure_form.html",
        {"form": form, "procedure": None},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def procedure_edit(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = buildable_procedure(request, slug)
    form = ProcedureForm(
        posted(request), instance=procedure, departments=builder_departments(request)
    )
    if request.method == "POST":
        # Read the changes off the form without letting ModelForm write them to the instance.
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.fields}
            fresh = Procedure.objects.get(pk=procedure.pk)
            catalogue.update_procedure(fresh, actor=request.user, **changes)
            messages.success(request, _("手続きの情報を保存しました。"))
            return redirect(overview_url(fresh))
        procedure.refresh_from_db()
    return render(
        request,
        "procedures/builder/procedure_form.html",
        {"form": form, "procedure": procedure},
        status=400 if form.is_bound else 200,
    )
