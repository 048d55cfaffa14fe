"""Checks and repairs particular to Japanese municipal tables, beyond the Table Schema.

- 全国地方公共団体コード that lost a leading zero (92011 → 092011) or its check digit
  (13111 → 131113) are repaired, with a warning per repaired cell;
- six-digit codes whose check digit is wrong are errors (the expected digit is given): the
  Table Schema's pattern only asks for six digits;
- latitude and longitude that look swapped get a warning next to their range errors;
- a date column holding Excel serial numbers (44698) is explained as such;
- cells that a spreadsheet would run as a formula (=HYPERLINK(…)) get a warning: the
  published file keeps the data as it is, and consumers are told.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from jichitai.core.japanese import municipality_code
from jichitai.opendata.standards.fields import LATITUDE_RANGE, LONGITUDE_RANGE
from jichitai.opendata.tabular.report import Issue

CODE_LABELS = (
    "全国地方公共団体コード",
    "所在地_全国地方公共団体コード",
    "市区町村コード",
    "都道府県コード又は市区町村コード",  # the older layout's
)
FORMULA = re.compile(r"^[=+\-@][A-Za-z]")
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (20000, 80000)  # 1954 to 2119


@dataclass(frozen=True)
class Repair:
    row_index: int
    column: int
    before: str
    after: str


def repaired_code(value: str) -> str | None:
    """The 6-digit code a 5-digit one stands for, or None when it cannot be told."""
    if len(value) != 5 or not value.isascii() or not value.isdigit():
        return None
    if 1 <= int(value[:2]) <= 47:
        # A prefecture number first: the check digit was dropped.
        return value + municipality_code.check_digit(value)
    with_zero = "0" + value
    return with_zero if municipality_code.is_valid(with_zero) else None


def repair_municipality_codes(frame: pl.DataFrame, labels: list[str]) -> list[Repair]:
    """Repair code columns in place (column names c0, c1 …); returns what was changed."""
    repairs: list[Repair] = []
    for number, label in enumerate(labels):
        if label not in CODE_LABELS:
            continue
        name = f"c{number}"
        column = frame[name]
        candidates = column.filter(column.str.len_chars() == 5).unique().to_list()
        mapping = {value: fixed for value in candidates if (fixed := repaired_code(value))}
        if not mapping:
            continue
        for index in column.is_in(list(mapping)).arg_true().to_list():
            repairs.append(Repair(index, number, column[index], mapping[column[index]]))
        frame.replace_column(number, column.replace(mapping))
    return repairs


def code_check_digit_errors(
    frame: pl.DataFrame, labels: list[str], first_row: int = 2
) -> list[Issue]:
    """A `municipality-code` error per six-digit code whose last digit is not its check digit
    (after repairs, so a repaired code is never reported twice)."""
    issues = []
    for number, label in enumerate(labels):
        if label not in CODE_LABELS:
            continue
        column = frame[f"c{number}"]
        six = column.filter(column.str.contains(r"^[0-9]{6}$").fill_null(False)).unique()
        wrong = {
            code: code[:5] + municipality_code.check_digit(code[:5])
            for code in six
            if not municipality_code.is_valid(code)
        }
        if not wrong:
            continue
        for index in column.is_in(list(wrong)).fill_null(False).arg_true().to_list():
            cell = column[index]
            issues.append(
                Issue("municipality-code", index + first_row, label, number + 1, cell, wrong[cell])
            )
    return issues


def repair_issues(repairs: list[Repair], labels: list[str], first_row: int = 2) -> list[Issue]:
    return [
        Issue(
            "repaired-code",
            repair.row_index + first_row,
            labels[repair.column],
            repair.column + 1,
            repair.before,
            repair.after,
        )
        for repair in repairs
    ]


def swapped_coordinates(frame: pl.DataFrame, labels: list[str], first_row: int = 2) -> list[Issue]:
    if "緯度" not in labels or "経度" not in labels:
        return []
    latitude = frame[f"c{labels.index('緯度')}"].cast(pl.Float64, strict=False)
    longitude = frame[f"c{labels.index('経度')}"].cast(pl.Float64, strict=False)
    swapped = (
        latitude.is_between(*LONGITUDE_RANGE) & longitude.is_between(*LATITUDE_RANGE)
    ).fill_null(False)
    column = labels.index("緯度") + 1
    return [
        Issue("swapped-coordinates", index + first_row, "緯度", column, str(latitude[index]))
        for index in swapped.arg_true().to_list()
    ]


def excel_serial_dates(
    frame: pl.DataFrame, labels: list[str], date_columns: list[int], first_row: int = 2
) -> list[Issue]:
    issues = []
    low, high = EXCEL_SERIAL_RANGE
    for number in date_columns:
        column = frame[f"c{number}"]
        serial = column.cast(pl.Int64, strict=False)
        for index in serial.is_between(low, high).fill_null(False).arg_true().to_list():
            meant = EXCEL_EPOCH + dt.timedelta(days=int(serial[index]))
            issues.append(
                Issue(
                    "excel-serial-date",
                    index + first_row,
                    labels[number],
                    number + 1,
                    column[index],
                    meant.isoformat(),
                )
            )
    return issues


def formula_cells(frame: pl.DataFrame, labels: list[str], first_row: int = 2) -> list[Issue]:
    issues = []
    for number, label in enumerate(labels):
        column = frame[f"c{number}"]
        flagged = column.str.contains(FORMULA.pattern).fill_null(False)
        issues += [
            Issue("formula-cell", index + first_row, label, number + 1, column[index])
            for index in flagged.arg_true().to_list()
        ]
    return issues
