"""What may be in text people type: everything but control characters.

NUL and the other C0 controls (tab and line breaks aside), DEL, and lone surrogates (what a
JSON "\\ud800" escape gives: no character at all) are refused wherever text is taken in. No
person types them, a screen cannot show them, and PostgreSQL cannot store NUL at all (a
save with one fails as a server error there, and SQLite would keep it silently).
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def validate_plain_text(value: object) -> None:
    """A form field validator: text with control characters is refused next to the field
    (a text field that cleans to something else, a date say, was checked as it parsed)."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(_("使えない文字が含まれています。"), code="control_characters")


def refuse_control_characters(form: forms.BaseForm) -> None:
    """Give every text field of `form` validate_plain_text (line breaks and tabs stay fine)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and validate_plain_text not in field.validators:
            field.validators.append(validate_plain_text)
