from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from jichitai.core.japanese import era

register = template.Library()


@register.filter
def wareki(value: dt.date | dt.datetime | None) -> str:
    """A date with its Japanese era: 2026年11月28日（令和8年）, or 28 November 2026 (Reiwa 8)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    try:
        if get_language() == "en":
            return era.format_english(value)
        return f"{value.year}年{value.month}月{value.day}日（{era.year_japanese(value)}）"
    except ValueError:
        return value.isoformat()
