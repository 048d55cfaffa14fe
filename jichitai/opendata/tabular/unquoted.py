"""Reading CSV that holds no quote character into a Table, with polars' own CSV reader.

Without quotes every line is one record and every comma separates cells, so polars (quoting
off) can split the UTF-8 bytes on all cores without a Python string per line or cell. Its
reader pads a short line with empty cells and cuts a long one silently, so each line is also
read whole: a line's commas are its length less the length of its cells, and only the few
lines whose count differs from the schema's are split again in Python, exactly as `csv` would,
to mark their absent cells (null) and remember their extra ones.
"""

from __future__ import annotations

import csv
import io

import polars as pl

from jichitai.opendata.tabular.encoding import Decoded
from jichitai.opendata.tabular.table import Table, column_names

# Bytes that never occur in a table's text, one of which separates "columns" when each line
# is read whole (a line then holds no separator and comes out as one cell).
_LINE_SEPARATORS = tuple(chr(code) for code in range(9))
_OPTIONS = {
    "has_header": False,
    "quote_char": None,
    "empty_string_is_null": False,
    "raise_if_empty": False,
}


def one_record_per_line(source: str | Decoded) -> bytes | None:
    """The UTF-8 bytes of CSV in which every line is one record, for unquoted_table: no quote
    character (a quoted cell may hold commas and line breaks) and no carriage return but in a
    CRLF (`csv` ends a record at a lone one, as old Mac files use it). None otherwise."""
    if isinstance(source, Decoded) and source.utf8 is not None:
        data = source.utf8  # UTF-8 already: no round trip through a Python string
    else:
        text = source.text if isinstance(source, Decoded) else source
        if '"' in text:
            return None
        data = text.encode()
    if b'"' in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    return data


def first_records(data: bytes, count: int) -> list[list[str]]:
    """The first `count` records of bytes from one_record_per_line, as `csv` reads them."""
    end = -1
    for _line in range(count):
        end = data.find(b"\n", end + 1)
        if end < 0:
            end = len(data)
            break
    head = data[: end + 1].decode("utf-8")
    return list(csv.reader(io.StringIO(head, newline="")))


def unquoted_table(data: bytes, width: int, *, skip_lines: int = 0) -> Table | None:
    """The table of UTF-8 CSV bytes without quote characters, after `skip_lines` lines; None
    when the bytes hold every control character we could read whole lines with."""
    separator = next((s for s in _LINE_SEPARATORS if s.encode() not in data), None)
    if separator is None or width < 1:
        return None
    names = column_names(width)
    frame = pl.read_csv(
        data,
        schema=dict.fromkeys(names, pl.String),
        skip_lines=skip_lines,
        # A short first line must not decide the width, nor a long one stop the reading.
        missing_columns="insert",
        extra_columns="ignore",
        truncate_ragged_lines=True,
        **_OPTIONS,  # type: ignore[arg-type]
    )
    lines = pl.read_csv(
        data,
        separator=separator,
        schema={"line": pl.String},
        skip_lines=skip_lines,
        **_OPTIONS,  # type: ignore[arg-type]
    ).get_column("line")
    if lines.len() != frame.height:
        return None
    line_bytes = lines.str.len_bytes().cast(pl.Int64)
    cell_bytes = frame.select(pl.sum_horizontal(pl.all().str.len_bytes().cast(pl.Int64)))
    commas = line_bytes - cell_bytes.to_series()
    # An empty line is a record of no cells at all (csv reads it so), whatever the width.
    irregular = ((commas != width - 1) | (line_bytes == 0)).arg_true().to_list()
    short: dict[int, int] = {}
    extra: list[tuple[int, int, str]] = []
    for index in irregular:
        line = lines[index]
        cells = line.split(",") if line else []
        if len(cells) < width:
            short[index] = len(cells)
        else:
            extra += [(index, number, cell) for number, cell in enumerate(cells[width:], width + 1)]
    return Table(_absent_cells_null(frame, short), short, extra)


def _absent_cells_null(frame: pl.DataFrame, short: dict[int, int]) -> pl.DataFrame:
    """The frame with the cells past each short row's end null (absent), not empty."""
    if not short:
        return frame
    columns = []
    for number, name in enumerate(frame.columns):
        rows = [index for index, present in short.items() if present <= number]
        column = frame.get_column(name)
        columns.append(column.clone().scatter(rows, None) if rows else column)
    return pl.DataFrame(columns)
