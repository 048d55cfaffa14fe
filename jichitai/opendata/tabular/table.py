"""A table of text cells as the validator checks it: one polars String column per field.

Short rows are padded with absent (null) cells and long rows cut; both are remembered, so the
report can name every missing and extra cell.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import polars as pl


@dataclass
class Table:
    frame: pl.DataFrame  # columns c0, c1 … of dtype String
    short_rows: dict[int, int]  # row index → number of cells present
    extra_cells: list[tuple[int, int, str]]  # (row index, field number, cell)


def column_names(width: int) -> list[str]:
    return [f"c{number}" for number in range(width)]


def read_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of CSV text (RFC 4180; quoted cells may hold line breaks)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return [], []
    return rows[0], rows[1:]


def table_from_rows(rows: list[list[str]], width: int) -> Table:
    """Rows as a table of `width` columns: short rows padded with absent cells, long rows
    cut, both remembered for the report. Adjusts the rows list in place."""
    short: dict[int, int] = {}
    extra: list[tuple[int, int, str]] = []
    irregular = [index for index, row in enumerate(rows) if len(row) != width]
    for index in irregular:
        row = rows[index]
        if len(row) < width:
            short[index] = len(row)
            rows[index] = row + [None] * (width - len(row))  # type: ignore[list-item]
        else:
            extra += [(index, number, cell) for number, cell in enumerate(row[width:], width + 1)]
            rows[index] = row[:width]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(column_names(width), pl.String), orient="row")
    return Table(frame, short, extra)
