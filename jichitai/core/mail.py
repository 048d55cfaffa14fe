"""Composing e-mail from templates in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from jichitai.core.tasks import deliver_email


def send_templated_email(to: str, template: str, context: dict[str, Any], language: str) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them after commit.

    The message is queued only when the surrounding transaction commits, so a rolled-back
    change never sends mail about itself.
    """
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    transaction.on_commit(lambda: deliver_email.enqueue(to=to, subject=subject, body=body))
