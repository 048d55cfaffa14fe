"""Solr's date values, as harvesters and portals put them in `fq` ranges on metadata_modified.

A value is an instant (`2024-01-01T00:00:00Z`; we also take one without a zone, as UTC) or
`NOW`, followed by Solr's date maths: `+N UNIT` / `-N UNIT` add or subtract, `/UNIT` rounds
down, applied left to right in UTC — `NOW-1DAY`, `NOW/DAY`, `NOW/DAY-7DAYS`,
`2024-01-01T00:00:00Z+1MONTH`. Adding months or years keeps the day of the month where it can
and otherwise takes the month's last day (Jan 31 + 1 MONTH = Feb 28 or 29), as Solr does.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

_UNITS = {
    "YEAR": "year",
    "YEARS": "year",
    "MONTH": "month",
    "MONTHS": "month",
    "DAY": "day",
    "DAYS": "day",
    "DATE": "day",
    "HOUR": "hour",
    "HOURS": "hour",
    "MINUTE": "minute",
    "MINUTES": "minute",
    "SECOND": "second",
    "SECONDS": "second",
    "MILLI": "millisecond",
    "MILLIS": "millisecond",
    "MILLISECOND": "millisecond",
    "MILLISECONDS": "millisecond",
}
_FIXED = {
    "day": dt.timedelta(days=1),
    "hour": dt.timedelta(hours=1),
    "minute": dt.timedelta(minutes=1),
    "second": dt.timedelta(seconds=1),
    "millisecond": dt.timedelta(milliseconds=1),
}
_VALUE = re.compile(
    r"""(?P<base>NOW|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?
                   (?:Z|[+-]\d{2}:?\d{2})?)
        (?P<maths>(?:/[A-Za-z]+|[+-]\d{1,9}[A-Za-z]+)*)""",
    re.VERBOSE | re.IGNORECASE,
)
_STEP = re.compile(r"(/|[+-]\d+)([A-Za-z]+)")


class DateSyntaxError(ValueError):
    """The text is not a Solr date value; the message says why, for the search error."""


def parse(text: str, now: dt.datetime) -> dt.datetime:
    """The instant `text` names, with `now` as NOW (the same for a whole query, as in Solr)."""
    match = _VALUE.fullmatch(text.strip())
    if not match:
        raise DateSyntaxError(f"cannot parse date {text!r}")
    base = match.group("base")
    moment = now if base.upper() == "NOW" else _instant(base)
    try:
        for operation, unit_name in _STEP.findall(match.group("maths")):
            unit = _UNITS.get(unit_name.upper())
            if unit is None:
                raise DateSyntaxError(f"unknown date unit {unit_name!r} in {text!r}")
            if operation == "/":
                moment = _round_down(moment, unit)
            else:
                moment = _add(moment, int(operation), unit)
    except (OverflowError, ValueError) as error:
        if isinstance(error, DateSyntaxError):
            raise
        raise DateSyntaxError(f"date out of range: {text!r}") from None
    return moment


def _instant(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise DateSyntaxError(f"cannot parse date {text!r}") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _round_down(moment: dt.datetime, unit: str) -> dt.datetime:
    moment = moment.astimezone(dt.UTC)
    if unit == "millisecond":
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return moment.replace(**_ROUNDING[unit])


_MIDNIGHT = {"hour": 0, "minute": 0, "second": 0, "microsecond": 0}
# What rounding down to each unit clears.
_ROUNDING: dict[str, dict[str, Any]] = {
    "second": {"microsecond": 0},
    "minute": {"second": 0, "microsecond": 0},
    "hour": {"minute": 0, "second": 0, "microsecond": 0},
    "day": _MIDNIGHT,
    "month": {"day": 1, **_MIDNIGHT},
    "year": {"month": 1, "day": 1, **_MIDNIGHT},
}


def _add(moment: dt.datetime, amount: int, unit: str) -> dt.datetime:
    if unit in _FIXED:
        return moment + amount * _FIXED[unit]
    months = amount * (12 if unit == "year" else 1)
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
