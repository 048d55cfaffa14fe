"""Composing e-mail from templates in the recipient's language, into the outbox."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.template.loader import render_to_string
from django.utils import translation

from jichitai.notifications.models import OutboundEmail
from jichitai.notifications.services import queue_email


def render_template_files(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """Render `<template>_subject.txt` and `<template>_body.txt` in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    return subject, body


def send_templated_email(
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    *,
    department_id: int | None = None,
    related: models.Model | None = None,
    reference: str = "",
) -> OutboundEmail:
    """Render a message from template files and put it in the outbox, to be sent once the
    surrounding transaction commits (a rolled-back change never sends mail about itself)."""
    subject, body = render_template_files(template, context, language)
    return queue_email(
        to=to,
        subject=subject,
        body=body,
        language=language,
        event=template.rsplit("/", 1)[-1],
        department_id=department_id,
        related=related,
        reference=reference,
    )
