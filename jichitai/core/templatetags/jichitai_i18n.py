from __future__ import annotations

from typing import Any

from django import template

from jichitai.core.i18n import localized as localized_value

register = template.Library()


@register.filter
def localized(instance: Any, field: str) -> str:
    """{{ procedure|localized:"title" }} → the title in the active language."""
    return localized_value(instance, field)


@register.filter
def lines(text: str) -> list[str]:
    """Non-empty lines of a text field, for lists kept one item per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
