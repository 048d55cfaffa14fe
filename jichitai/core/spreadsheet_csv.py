"""CSV files that open safely in Excel: UTF-8 with a BOM, or Shift_JIS (CP932) for older tools.

CP932 cannot hold every character residents type (𠮷, emoji, most variant kanji outside the
NEC/IBM extensions). Such a character becomes 〓 (下駄, the customary stand-in), and each
replacement is reported so staff know which cells to check by hand.

Cells that a spreadsheet would run as a formula — starting with =, +, -, @, a tab or a
carriage return — get a leading apostrophe (OWASP, "CSV injection"), whichever column they
are in, with one exception: in a column the caller declares numeric, a cell that is just a
number (-12, +3.5, -1e3) is kept as it is, since a spreadsheet reads it as that number and
nothing else, and consumers of published data need negative numbers intact.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Encoding = Literal["utf-8", "cp932"]
ENCODINGS: tuple[Encoding, ...] = ("utf-8", "cp932")

GETA = "〓"
# A spreadsheet treats a cell starting with these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters CP932 holds under another code point (the JIS and Microsoft mappings differ):
# mapped, not replaced, because the character reaches the file intact.
CP932_EQUIVALENTS = str.maketrans({"\u2014": "\u2015"})  # EM DASH → HORIZONTAL BAR
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Replacement:
    """Characters of one cell that the chosen encoding could not hold."""

    row_key: str  # the row's first cell (e.g. the receipt number)
    column: str
    characters: str


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


@lru_cache(maxsize=8192)
def _in_cp932(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def defuse_formula(text: str, *, numeric: bool = False) -> str:
    """The cell's text, with a leading apostrophe if a spreadsheet would run it as a formula.
    In a numeric column, a plain number (-12) is left alone."""
    if not text.startswith(FORMULA_STARTS):
        return text
    if numeric and PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text


def fit_cp932(text: str) -> tuple[str, str]:
    """(text CP932 can hold, the characters that were replaced by 〓). Variation selectors
    are dropped: they only choose a glyph of the character before them."""
    text = text.translate(CP932_EQUIVALENTS)
    if text.isascii():
        return text, ""
    kept: list[str] = []
    missing: list[str] = []
    for char in text:
        if _is_variation_selector(char):
            continue
        if _in_cp932(char):
            kept.append(char)
        else:
            kept.append(GETA)
            if char not in missing:
                missing.append(char)
    return "".join(kept), "".join(missing)


def prepare(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    encoding: Encoding,
    *,
    numeric_columns: Collection[int] = frozenset(),
) -> tuple[list[list[str]], list[Replacement]]:
    """The header and rows as they will be written (formulas defused; for CP932, characters
    it cannot hold replaced), and the replacements made. `numeric_columns` (0-based) keep
    their plain numbers; None becomes an empty cell."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unsupported encoding {encoding!r}")
    replacements: list[Replacement] = []
    prepared: list[list[str]] = []
    lines: list[list[object]] = [list(header), *map(list, rows)]
    for line_number, row in enumerate(lines):
        cells: list[str] = []
        for index, value in enumerate(row):
            text = defuse_formula(
                "" if value is None else str(value),
                numeric=line_number > 0 and index in numeric_columns,
            )
            if encoding == "cp932":
                text, missing = fit_cp932(text)
                if missing:
                    replacements.append(
                        Replacement(
                            row_key=str(row[0]) if line_number else "",
                            column=str(header[index]) if index < len(header) else str(index + 1),
                            characters=missing,
                        )
                    )
            cells.append(text)
        prepared.append(cells)
    return prepared, replacements


def write(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    encoding: Encoding,
    *,
    numeric_columns: Collection[int] = frozenset(),
) -> tuple[bytes, list[Replacement]]:
    """The CSV file's bytes (CRLF line ends, every cell quoted as needed) and the replacements
    made. UTF-8 starts with a BOM so that Excel reads it as UTF-8."""
    prepared, replacements = prepare(header, rows, encoding, numeric_columns=numeric_columns)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(prepared)
    text = buffer.getvalue()
    data = text.encode("utf-8-sig") if encoding == "utf-8" else text.encode("cp932")
    return data, replacements
