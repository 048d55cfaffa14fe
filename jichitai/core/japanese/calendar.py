"""The business-day calendar of a Japanese municipality (開庁日).

A business day is a weekday that is neither a national holiday (国民の祝日, including
substitute holidays 振替休日 and 国民の休日, from the `holidays` package) nor in the year-end
closure from 29 December to 3 January. Standard processing periods (標準処理期間) count in
business days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> holidays.HolidayBase:
    return holidays.Japan(years=year, language="ja")


def public_holiday_name(day: dt.date) -> str | None:
    """The national holiday on `day` in Japanese (e.g. 振替休日), or None."""
    return _holidays_of(day.year).get(day)


def is_year_end_closure(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_year_end_closure(day) and public_holiday_name(day) is None


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The date `days` business days after `start` (the first business day after `start` is day 1).

    With `days` = 0, `start` itself if it is a business day, else the next business day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_business_day(day):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """How many business days lie after `start` up to and including `end` (0 if end ≤ start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count
