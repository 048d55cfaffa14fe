"""The full check report of an uploaded file: every error and warning, as a CSV file in
storage beside the file, however many there are (the database keeps the first ones, for the
page). Written once when the check ends, streamed to staff on download. Also the first rows
that hold issues, kept for the report's table view.
"""

from __future__ import annotations

import csv
import io
import tempfile
import uuid
from collections.abc import Iterable
from typing import IO

import polars as pl
from django.core.files import File
from django.utils.translation import gettext as _

from jichitai.core import durable_storage
from jichitai.core.spreadsheet_csv import defuse_formula
from jichitai.opendata.tabular.report import Issue

ROWS_SHOWN = 20  # data rows in the table view
CHUNK = 10_000  # issues turned into text at a time, so a huge report never sits in memory


def header() -> list[str]:
    return [_("区分"), _("種類"), _("行"), _("列番号"), _("列"), _("値"), _("内容")]


def row(kind: str, issue: Issue) -> list[str]:
    cells = [
        kind,
        issue.type,
        "" if issue.row_number is None else str(issue.row_number),
        "" if issue.field_number is None else str(issue.field_number),
        issue.field_name or "",
        issue.cell or "",
        issue.message,
    ]
    return [defuse_formula(cell) for cell in cells]


def write_report(
    errors: Iterable[Issue], warnings: Iterable[Issue], *, folder: str = "opendata/reports"
) -> str:
    """Save the report (UTF-8 with a BOM, as Excel wants it) in `folder`; returns its
    storage name."""
    with tempfile.TemporaryFile("w+b") as handle:
        handle.write("\ufeff".encode())
        lines: list[list[str]] = [[defuse_formula(cell) for cell in header()]]
        for kind, issues in ((_("エラー"), errors), (_("警告"), warnings)):
            for issue in issues:
                lines.append(row(kind, issue))
                if len(lines) >= CHUNK:
                    _flush(handle, lines)
        _flush(handle, lines)
        handle.seek(0)
        return durable_storage.save(f"{folder}/{uuid.uuid4().hex}.csv", File(handle))


def _flush(handle: IO[bytes], lines: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    handle.write(buffer.getvalue().encode("utf-8"))
    lines.clear()


def rows_with_issues(
    frame: pl.DataFrame, issues: Iterable[Issue], *, first_row: int = 2, limit: int = ROWS_SHOWN
) -> list[dict[str, object]]:
    """The first `limit` data rows (by row number) that some issue points at, with their
    cells as read (repairs applied): what the table view shows."""
    numbers = sorted(
        {
            issue.row_number
            for issue in issues
            if issue.row_number is not None and 0 <= issue.row_number - first_row < frame.height
        }
    )[:limit]
    return [
        {
            "row": number,
            "cells": ["" if c is None else str(c) for c in frame.row(number - first_row)],
        }
        for number in numbers
    ]
