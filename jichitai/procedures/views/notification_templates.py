"""Wording a procedure's mail (メール文面の設定), for the department administrator (所属管理者):
one template per event and language, replacing the default; removing it restores the default."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jichitai.accounts.views import staff_required
from jichitai.core.errors import DomainError
from jichitai.procedures import policies
from jichitai.procedures.forms import NotificationTemplateForm
from jichitai.procedures.models import (
    NOTIFICATION_VARIABLES,
    NotificationEvent,
    NotificationTemplate,
    Procedure,
)
from jichitai.procedures.services import notifications

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


@require_safe
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    procedures = policies.procedures_with_editable_notifications(request.user).order_by("title_ja")
    overridden = set(
        NotificationTemplate.objects.filter(procedure__in=procedures).values_list(
            "procedure_id", "event", "language"
        )
    )
    rows = [
        (
            procedure,
            [
                (event, language, name, (procedure.pk, event.value, language) in overridden)
                for event in NotificationEvent
                for language, name in LANGUAGE_NAMES.items()
            ],
        )
        for procedure in procedures
    ]
    return render(
        request,
        "procedures/back_office/notification_templates.html",
        {"rows": rows},
    )


def _target(request: HttpRequest, slug: str, event: str, language: str) -> Procedure:
    if event not in NotificationEvent.values or language not in LANGUAGE_NAMES:
        raise Http404
    return get_object_or_404(
        policies.procedures_with_editable_notifications(request.user), slug=slug
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def edit(request: HttpRequest, slug: str, event: str, language: str) -> HttpResponse:
    procedure = _target(request, slug, event, language)
    existing = NotificationTemplate.objects.filter(
        procedure=procedure, event=event, language=language
    ).first()
    status = 200
    if request.method == "POST":
        form = NotificationTemplateForm(request.POST)
        if form.is_valid():
            try:
                notifications.save_template(
                    request.user, procedure, event, language, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("メールの文面を保存しました。"))
                return redirect("procedures:staff_notification_templates")
        status = 400
    else:
        form = NotificationTemplateForm(
            initial={"subject": existing.subject, "body": existing.body} if existing else None
        )
    return render(
        request,
        "procedures/back_office/notification_template_edit.html",
        {
            "form": form,
            "procedure": procedure,
            "event": NotificationEvent(event),
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "existing": existing,
            "variables": NOTIFICATION_VARIABLES.items(),
        },
        status=status,
    )


@require_POST
@staff_required
def reset(request: HttpRequest, slug: str, event: str, language: str) -> HttpResponse:
    """Remove the procedure's own wording: the default applies again."""
    procedure = _target(request, slug, event, language)
    template = get_object_or_404(
        NotificationTemplate, procedure=procedure, event=event, language=language
    )
    notifications.delete_template(request.user, template)
    messages.success(request, _("標準の文面に戻しました。"))
    return redirect("procedures:staff_notification_templates")
