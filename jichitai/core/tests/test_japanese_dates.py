import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from jichitai.core.japanese import calendar, era

D = dt.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 4, 28), True),  # Tuesday
        (D(2026, 4, 29), False),  # 昭和の日
        (D(2026, 5, 2), False),  # Saturday
        (D(2026, 5, 6), False),  # 振替休日 for 5/3
        (D(2026, 5, 7), True),
        (D(2026, 9, 22), False),  # 国民の休日 between two holidays
        (D(2026, 12, 28), True),
        (D(2026, 12, 29), False),  # year-end closure
        (D(2027, 1, 1), False),
        (D(2027, 1, 4), True),
        (D(2027, 1, 11), False),  # 成人の日
    ],
)
def test_business_days(day: dt.date, expected: bool) -> None:
    assert calendar.is_business_day(day) is expected


def test_holiday_names_are_japanese() -> None:
    assert calendar.public_holiday_name(D(2026, 5, 6)) == "振替休日"
    assert calendar.public_holiday_name(D(2026, 5, 7)) is None


def test_adding_business_days_across_golden_week() -> None:
    # 4/29 holiday; 4/30 (1), 5/1 (2); 5/2–5/6 closed; 5/7 (3).
    assert calendar.add_business_days(D(2026, 4, 28), 3) == D(2026, 5, 7)


def test_adding_business_days_across_new_year() -> None:
    # 12/28 (1); 12/29–1/3 closed; 1/4 (2).
    assert calendar.add_business_days(D(2026, 12, 25), 2) == D(2027, 1, 4)


def test_zero_days_means_the_next_business_day() -> None:
    assert calendar.add_business_days(D(2026, 5, 3), 0) == D(2026, 5, 7)
    assert calendar.add_business_days(D(2026, 5, 7), 0) == D(2026, 5, 7)
    with pytest.raises(ValueError):
        calendar.add_business_days(D(2026, 5, 7), -1)


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)), st.integers(0, 60))
def test_adding_then_counting_agree(start: dt.date, days: int) -> None:
    due = calendar.add_business_days(start, days)
    assert calendar.is_business_day(due)
    if days:
        assert calendar.business_days_between(start, due) == days


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2026, 11, 28), "令和8年11月28日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1989, 1, 8), "平成元年1月8日"),
        (D(1926, 12, 25), "昭和元年12月25日"),
        (D(1912, 7, 30), "大正元年7月30日"),
        (D(1873, 1, 1), "明治6年1月1日"),
    ],
)
def test_era_dates(day: dt.date, text: str) -> None:
    assert era.format_japanese(day) == text


def test_dates_before_the_gregorian_calendar_are_refused() -> None:
    with pytest.raises(ValueError):
        era.format_japanese(D(1872, 12, 31))


def test_wareki_filter_in_both_languages() -> None:
    template = Template("{% load jichitai_dates %}{{ day|wareki }}")
    with translation.override("ja"):
        assert template.render(Context({"day": D(2026, 11, 28)})) == "2026年11月28日（令和8年）"
    with translation.override("en"):
        assert template.render(Context({"day": D(2026, 11, 28)})) == "28 November 2026 (Reiwa 8)"
