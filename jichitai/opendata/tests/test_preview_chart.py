"""The chart's layout: round ticks, bars from the zero line, lines broken at empty cells."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.opendata.previews.chart import as_number, format_number, layout, nice_ticks


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 783000, [0, 200000, 400000, 600000, 800000]),
        (12, 48, [0, 10, 20, 30, 40, 50]),
        (-3, 7.2, [-5, 0, 5, 10]),
        (5, 5, [0, 1, 2, 3, 4, 5]),
    ],
)
def test_nice_ticks(low: float, high: float, expected: list[float]) -> None:
    assert nice_ticks(low, high) == pytest.approx(expected)


@given(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
)
def test_ticks_always_cover_the_values_and_zero(a: float, b: float) -> None:
    low, high = min(a, b), max(a, b)
    ticks = nice_ticks(low, high)
    step = ticks[1] - ticks[0]
    # Within a billionth of a step: finer than that, floating point cannot tell.
    assert ticks[0] <= min(low, 0) + step * 1e-9 and ticks[-1] >= max(high, 0) - step * 1e-9
    assert 2 <= len(ticks) <= 12


def test_numbers_read_and_written() -> None:
    assert as_number(Decimal("1.5")) == 1.5
    assert as_number("1,200") == 1200
    assert as_number("約1200") is None
    assert as_number(None) is None and as_number(True) is None
    assert as_number(float("nan")) is None
    assert format_number(1234567.0) == "1,234,567"
    assert format_number(0.30000000000000004) == "0.3"
    assert format_number(-12.5) == "-12.5"


def test_bars_stand_on_the_zero_line() -> None:
    chart = layout("bar", [("大森", 100.0), ("蒲田", -50.0), ("調布", None)])
    assert chart is not None
    up, down, empty = chart.marks
    assert up.bar_y + up.bar_height == pytest.approx(chart.zero_y)
    assert down.bar_y == pytest.approx(chart.zero_y)
    assert up.bar_height == pytest.approx(2 * down.bar_height, rel=0.01)
    assert empty.value is None and empty.text == ""
    assert chart.top <= up.bar_y and down.bar_y + down.bar_height <= chart.bottom
    assert chart.ticks[0].text == "-50" and chart.ticks[-1].text == "100"
    assert not chart.rotate_labels


def test_line_breaks_at_empty_cells_and_long_labels_turn() -> None:
    rows = [(f"第{n}地区（長い名前の地域）", None if n == 3 else float(n)) for n in range(1, 7)]
    chart = layout("line", rows)
    assert chart is not None
    assert len(chart.lines) == 2 and chart.lines[0].count(",") == 2
    assert chart.rotate_labels
    # The first turned label (10 characters, about 12 units each) stays inside the drawing.
    assert chart.marks[0].x - 10 * 12 * 0.7 >= 0
    assert chart.marks[0].short_label == "第1地区（長い名前…"
    assert chart.first_label == rows[0][0] and chart.last_label == rows[-1][0]


def test_many_rows_widen_the_chart_and_no_numbers_no_chart() -> None:
    few = layout("bar", [(str(n), float(n)) for n in range(5)])
    many = layout("bar", [(str(n), float(n)) for n in range(50)])
    assert few and many and many.width > few.width
    assert layout("bar", [("a", None)]) is None
