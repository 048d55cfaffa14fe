"""Reading the first sheet of an Excel workbook (XLSX) as rows of text, safely.

An XLSX file is a zip archive of XML. Before openpyxl opens it, `inspect_zip` reads the
archive's directory (never its contents) and refuses what could exhaust memory or disk —
a decompression bomb, thousands of entries, archives inside the archive — and names that
try to climb out of a folder. openpyxl then reads in read-only (streaming) mode, parsing
XML through defusedxml (installed beside it, which openpyxl uses on its own), so entity
tricks are refused too. Python's zip reader never returns more bytes than an entry
declares, so the declared sizes checked here bound what is decompressed.

Formulas are never calculated: a formula cell's value is what Excel last calculated and
saved (or, when the file carries none, the formula's text, which the published CSV defuses),
and each formula is reported so staff see what the sheet did.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# An XLSX's XML compresses well, but not without end: a real sheet shrinks 5–30 times.
MAX_ENTRIES = 5_000
MAX_TOTAL_UNCOMPRESSED = 2_000_000_000
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1_000_000  # small entries may compress very well without harm
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELLS = 60_000_000  # rows × columns once short rows are filled in: about a 200 MB CSV
NESTED_ARCHIVES = (".zip", ".xlsx", ".xlsm", ".xls", ".docx", ".pptx", ".jar", ".gz", ".tgz")
NESTED_ARCHIVES_TOO = (".7z", ".rar", ".bz2", ".xz", ".tar", ".cab", ".lzh")
REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")


class WorkbookRefused(ValueError):
    """The file cannot be read as a workbook; the message says why, for staff."""


@dataclass(frozen=True)
class Formula:
    row: int  # 1-based, as Excel numbers rows
    column: int  # 1-based
    formula: str  # with its leading "="
    value: str  # what is published instead


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]
    formulas: list[Formula] = field(default_factory=list)


def inspect_zip(raw: bytes) -> None:
    """Refuse an archive that is no workbook, or that would be dangerous to open."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookRefused(
            _("ZIP 形式として壊れているため、Excel ファイルとして読めません。")
        ) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise WorkbookRefused(
                _("ファイル内の項目が多すぎます（%(count)s 個、上限 %(limit)s 個）。")
                % {"count": len(entries), "limit": MAX_ENTRIES}
            )
        total = 0
        names = set()
        for entry in entries:
            _check_name(entry.filename)
            if entry.filename in names:
                raise WorkbookRefused(_("同じ名前の項目が重複しています。"))
            names.add(entry.filename)
            if entry.flag_bits & 0x1:
                raise WorkbookRefused(
                    _(
                        "パスワードで保護（暗号化）されたファイルは読めません。"
                        "保護を解除して保存し直してください。"
                    )
                )
            total += entry.file_size
            if total > MAX_TOTAL_UNCOMPRESSED:
                raise WorkbookRefused(
                    _(
                        "展開後の大きさが上限（%(limit)s MB）を超えます。"
                        "圧縮爆弾のおそれがあります。"
                    )
                    % {"limit": MAX_TOTAL_UNCOMPRESSED // 1_000_000}
                )
            if entry.file_size > RATIO_CHECKED_FROM and (
                entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
            ):
                raise WorkbookRefused(
                    _(
                        "圧縮率が異常に高い項目（%(name)s）があります。"
                        "圧縮爆弾のおそれがあるため読み込みません。"
                    )
                    % {"name": entry.filename[:100]}
                )
        if not all(name in names for name in REQUIRED_ENTRIES):
            raise WorkbookRefused(
                _(
                    "Excel ブック（XLSX）ではない ZIP ファイルです。"
                    "圧縮ファイルは受け付けていません。"
                )
            )


def _check_name(name: str) -> None:
    lowered = name.lower()
    parts = name.replace("\\", "/").split("/")
    if (
        "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or ".." in parts
    ):
        raise WorkbookRefused(
            _("不正な名前の項目（%(name)s）が含まれています。") % {"name": name[:100]}
        )
    if lowered.endswith(NESTED_ARCHIVES + NESTED_ARCHIVES_TOO):
        raise WorkbookRefused(
            _("ファイルの中に別の圧縮ファイル（%(name)s）が含まれています。") % {"name": name[:100]}
        )


def cell_text(value: Any) -> str:
    """A cell's value as the text a CSV holds: dates as ISO 8601, numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _open(raw: bytes, *, data_only: bool) -> Any:
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; nothing staff can act on.
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(
            io.BytesIO(raw), read_only=True, data_only=data_only, keep_links=False
        )


def _sheet_rows(workbook: Any, *, values_only: bool = True) -> tuple[str, Any]:
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None or not hasattr(sheet, "reset_dimensions"):
        raise WorkbookRefused(_("表のシートがありません。"))
    # The stored dimensions may claim a million columns: read only the cells present.
    sheet.reset_dimensions()
    return sheet.title, sheet.iter_rows(values_only=values_only)


def read_first_sheet(raw: bytes) -> Sheet:
    """The first sheet's rows as text; raises WorkbookRefused with a reason for staff."""
    inspect_zip(raw)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheet = _read(raw)
    except WorkbookRefused:
        raise
    except Exception:  # openpyxl raises many kinds on broken files; the cause is the file
        raise WorkbookRefused(
            _(
                "Excel ファイルとして読めませんでした。"
                "Excel で開いて保存し直すか、CSV で保存してください。"
            )
        ) from None
    return sheet


def _read(raw: bytes) -> Sheet:
    workbook = _open(raw, data_only=False)
    formulas: dict[tuple[int, int], str] = {}
    rows: list[list[str]] = []
    try:
        name, sheet_rows = _sheet_rows(workbook, values_only=False)
        for number, row in enumerate(sheet_rows, 1):
            if number > MAX_ROWS:
                raise WorkbookRefused(
                    _("行が多すぎます（上限 %(limit)s 行）。") % {"limit": MAX_ROWS}
                )
            cells = []
            for column, cell in enumerate(row, 1):
                if cell.data_type == "f":
                    formulas[(number, column)] = str(cell.value)
                cells.append(cell_text(cell.value))
            rows.append(cells)
    finally:
        workbook.close()
    found: list[Formula] = []
    if formulas:
        found = _cached_values(raw, rows, formulas)
    _trim(rows)
    return Sheet(name, rows, found)


def _cached_values(
    raw: bytes, rows: list[list[str]], formulas: dict[tuple[int, int], str]
) -> list[Formula]:
    """Put each formula cell's saved result in its place (a second pass, read for values)."""
    workbook = _open(raw, data_only=True)
    cached: dict[tuple[int, int], str] = {}
    try:
        _, values = _sheet_rows(workbook)
        for number, row in enumerate(values, 1):
            for column, value in enumerate(row, 1):
                if (number, column) in formulas and value is not None:
                    cached[(number, column)] = cell_text(value)
    finally:
        workbook.close()
    found = []
    for (number, column), formula in sorted(formulas.items()):
        # Without a saved result, the formula's text is kept; the published CSV defuses it.
        value = cached.get((number, column), formula)
        rows[number - 1][column - 1] = value
        found.append(Formula(number, column, formula, value))
    return found


def _trim(rows: list[list[str]]) -> None:
    """Rows of one width: a sheet stores no empty cells, so a row ending early has empty
    cells there (not missing ones, as a short CSV line would). Empty cells at the right and
    empty rows at the bottom (formatting only) are dropped first."""
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    if width * len(rows) > MAX_CELLS:
        raise WorkbookRefused(
            _("表が大きすぎます（%(rows)s 行 × %(columns)s 列）。")
            % {"rows": len(rows), "columns": width}
        )
    for row in rows:
        row.extend([""] * (width - len(row)))
