"""Reading bilingual model fields (`<name>_ja`, `<name>_en`) in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def localized(instance: Any, field: str) -> str:
    """`instance.<field>_en` when the UI is English and it is filled in, else `<field>_ja`."""
    if get_language() == "en":
        english = getattr(instance, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(instance, f"{field}_ja", ""))
