"""CSV files that open safely in Excel: UTF-8 with a BOM, or Shift_JIS (CP932) for older tools.

CP932 cannot hold every character residents type (𠮷, emoji, most variant kanji outside the
NEC/IBM extensions). Such a character becomes 〓 (下駄, the customary stand-in), and each
replacement is reported so staff know which cells to check by hand. Cells that a spreadsheet
would run as a formula get a leading apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
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


def defuse_formula(text: str) -> str:
    """The cell's text, with a leading apostrophe if a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
    header: Sequence[str], rows: Iterable[Sequence[str]], encoding: Encoding
) -> tuple[list[list[str]], list[Replacement]]:
    """The header and rows as they will be written (formulas defused; for CP932, characters
    it cannot hold replaced), and the replacements made."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unsupported encoding {encoding!r}")
    replacements: list[Replacement] = []
    prepared: list[list[str]] = []
    for line_number, row in enumerate([list(header), *map(list, rows)]):
        cells: list[str] = []
        for index, value in enumerate(row):
            text = defuse_formula(str(value))
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
    header: Sequence[str], rows: Iterable[Sequence[str]], encoding: Encoding
) -> tuple[bytes, list[Replacement]]:
    """The CSV file's bytes (CRLF line ends, every cell quoted as needed) and the replacements
    made. UTF-8 starts with a BOM so that Excel reads it as UTF-8."""
    prepared, replacements = prepare(header, rows, encoding)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(prepared)
    text = buffer.getvalue()
    data = text.encode("utf-8-sig") if encoding == "utf-8" else text.encode("cp932")
    return data, replacements
