"""Japanese era dates (和暦): 令和8年11月28日.

Covers dates from 1 January 1873, when Japan adopted the Gregorian calendar; earlier dates
have no Gregorian-based era date and are refused.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple


class Era(NamedTuple):
    name_ja: str
    name_en: str
    starts: dt.date


# Newest first, so the first era that started on or before a date is its era.
ERAS = (
    Era("令和", "Reiwa", dt.date(2019, 5, 1)),
    Era("平成", "Heisei", dt.date(1989, 1, 8)),
    Era("昭和", "Showa", dt.date(1926, 12, 25)),
    Era("大正", "Taisho", dt.date(1912, 7, 30)),
    Era("明治", "Meiji", dt.date(1868, 1, 25)),
)
GREGORIAN_ADOPTED = dt.date(1873, 1, 1)


def era_of(day: dt.date) -> tuple[Era, int]:
    """The era of `day` and the year within it (1 for the first, 元年)."""
    if day < GREGORIAN_ADOPTED:
        raise ValueError("era dates are given from 1873-01-01")
    for era in ERAS:
        if day >= era.starts:
            return era, day.year - era.starts.year + 1
    raise ValueError("no era")  # unreachable: Meiji starts before 1873


def year_japanese(day: dt.date) -> str:
    """令和8年; the first year of an era is 元年 (令和元年)."""
    era, year = era_of(day)
    return f"{era.name_ja}{'元' if year == 1 else year}年"


def format_japanese(day: dt.date) -> str:
    """令和8年11月28日."""
    return f"{year_japanese(day)}{day.month}月{day.day}日"


def format_english(day: dt.date) -> str:
    """28 November 2026 (Reiwa 8)."""
    era, year = era_of(day)
    return f"{day.day} {day:%B} {day.year} ({era.name_en} {year})"
