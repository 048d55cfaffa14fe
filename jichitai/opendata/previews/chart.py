"""A bar or line chart laid out for SVG: where each bar, point, tick and label goes.

The page draws it with plain SVG elements (opendata/_chart.svg.html), so a chart needs no
JavaScript and no library; everything here is arithmetic a test can check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Kind = Literal["bar", "line"]

PLOT_HEIGHT = 232
MARGIN_TOP = 16
MARGIN_RIGHT = 16
PLOT_WIDTH = 560  # the plot's width when the bars fit; more bars widen it
MIN_SLOT = 22  # narrowest room for one bar, in SVG units
MAX_SLOT = 80  # a few rows make bars, not walls
CHAR_WIDTH = 7.5  # average width of a 12px character of a tick label (digits, commas)
LABEL_CHARS = 10  # longer x-axis labels are cut (the data table has them whole)
TICKS = 5


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Mark:
    """One row: its label, its value (None when the cell is empty) and where it is drawn."""

    label: str
    short_label: str
    value: float | None
    text: str
    x: float  # centre of the slot
    bar_x: float
    bar_width: float
    y: float  # the value's height on the plot (top of a positive bar)
    bar_y: float
    bar_height: float


@dataclass(frozen=True)
class Chart:
    kind: Kind
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    zero_y: float
    ticks: list[Tick]
    marks: list[Mark]
    rotate_labels: bool
    lines: list[str]  # polyline points, one per run of rows with values

    @property
    def tick_x(self) -> float:
        return self.left - 6

    @property
    def label_y(self) -> float:
        return self.bottom + (14 if self.rotate_labels else 18)

    @property
    def first_label(self) -> str:
        return self.marks[0].label

    @property
    def last_label(self) -> str:
        return self.marks[-1].label

    @property
    def x_title_y(self) -> float:
        return self.height - 6

    @property
    def y_title_x(self) -> float:
        return 14

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2


def as_number(value: object) -> float | None:
    """A cell as a number to draw, or None (empty, text, not finite)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
    else:
        try:
            number = float(str(value).replace(",", ""))
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def format_number(value: float) -> str:
    """Thousands separated; at most two decimals, without trailing zeros."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def nice_ticks(low: float, high: float, count: int = TICKS) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering low..high and 0."""
    low, high = min(low, 0.0), max(high, 0.0)
    # A span too small for floating point (all zeros, or denormal noise) gets a unit scale.
    if high - low < 1e-9 * max(1.0, abs(low), abs(high)):
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    steps = round((last - first) / step)
    return [first + i * step for i in range(steps)] + [last]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def layout(kind: Kind, rows: list[tuple[str, float | None]]) -> Chart | None:
    """Lay the rows (label, value) out as a chart; None when no row has a value."""
    values = [value for _, value in rows if value is not None]
    if not values:
        return None
    ticks = nice_ticks(min(values), max(values))
    tick_texts = [format_number(tick) for tick in ticks]
    slot = min(MAX_SLOT, max(MIN_SLOT, PLOT_WIDTH / len(rows)))
    shorts = [_short(label) for label, _ in rows]
    # Japanese labels are about 12 units a character: turn them when they would overlap.
    longest = max(len(label) for label in shorts)
    rotate = longest * 12 > slot * 0.9
    left = 40 + CHAR_WIDTH * max(len(text) for text in tick_texts)
    if rotate:  # the first label, turned, reaches left of its slot by about 0.7 of its length
        left = max(left, 12 * longest * 0.72 - slot / 2 + 4)
    right = left + slot * len(rows)
    top = MARGIN_TOP
    bottom = top + PLOT_HEIGHT
    # Room under the plot for the labels (turned 45°, they drop by about 0.7 of their
    # length) and the axis title.
    height = bottom + (12 * longest * 0.72 + 16 if rotate else 24) + 24

    def y_of(value: float) -> float:
        return bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * (bottom - top)

    zero_y = y_of(0.0)
    marks: list[Mark] = []
    for index, ((label, value), short) in enumerate(zip(rows, shorts, strict=True)):
        x = left + slot * (index + 0.5)
        y = y_of(value) if value is not None else zero_y
        marks.append(
            Mark(
                label=label,
                short_label=short,
                value=value,
                text=format_number(value) if value is not None else "",
                x=round(x, 2),
                bar_x=round(x - slot * 0.35, 2),
                bar_width=round(slot * 0.7, 2),
                y=round(y, 2),
                bar_y=round(min(y, zero_y), 2),
                bar_height=round(abs(zero_y - y), 2),
            )
        )
    lines: list[str] = []
    run: list[str] = []
    for mark in [*marks, None]:
        if mark is not None and mark.value is not None:
            run.append(f"{mark.x},{mark.y}")
        elif run:
            lines.append(" ".join(run))
            run = []
    return Chart(
        kind=kind,
        width=round(right + MARGIN_RIGHT, 2),
        height=round(height, 2),
        left=round(left, 2),
        top=top,
        right=round(right, 2),
        bottom=round(bottom, 2),
        zero_y=round(zero_y, 2),
        ticks=[Tick(round(y_of(t), 2), text) for t, text in zip(ticks, tick_texts, strict=True)],
        marks=marks,
        rotate_labels=rotate,
        lines=lines,
    )
