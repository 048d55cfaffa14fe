"""CSV without quotes read by polars (unquoted.py) against the exact reading (csv module).

Both must give the same table — cells, absent cells of short rows (null, not empty), extra
cells of long rows, empty lines as records of no cells — and so the same report, whether every
line has the schema's width or some do not. UTF-8 files reach polars as their own bytes,
checked as strictly as Python's decoder would.
"""

from __future__ import annotations

import codecs
from typing import Any
from unittest import mock

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from jichitai.opendata.tabular import encoding
from jichitai.opendata.tabular.encoding import EncodingError, decode_table
from jichitai.opendata.tabular.table import Table, read_rows, table_from_rows
from jichitai.opendata.tabular.table_schema import TableSchema
from jichitai.opendata.tabular.unquoted import unquoted_table
from jichitai.opendata.tabular.validator import validate_csv, validate_rows

SCHEMA = TableSchema.from_descriptor(
    {
        "fields": [
            {"name": "名称", "constraints": {"required": True}},
            {"name": "数", "type": "integer", "constraints": {"minimum": 0}},
            {"name": "有無", "constraints": {"enum": ["有", "無"]}},
            {"name": "備考"},
        ],
        "missingValues": ["", "-"],
    }
)
HEADER = "名称,数,有無,備考"


def exact_table(text: str, width: int) -> Table:
    return table_from_rows(read_rows(text)[1], width)


def polars_table(text: str, width: int) -> Table:
    table = unquoted_table(text.encode(), width, skip_lines=1)
    assert table is not None
    return table


def assert_same_table(ours: Table, exact: Table) -> None:
    assert_frame_equal(ours.frame, exact.frame)
    assert (ours.short_rows, ours.extra_cells) == (exact.short_rows, exact.extra_cells)


def exact_report(text: str) -> list[tuple[object, ...]]:
    labels, rows = read_rows(text)
    return [(i, i.message) for i in validate_rows(labels, rows, SCHEMA, limit_errors=None).issues]


def our_report(text: str) -> list[tuple[object, ...]]:
    return [(i, i.message) for i in validate_csv(text, SCHEMA, limit_errors=None).issues]


def test_a_file_of_full_rows_reads_like_the_exact_path() -> None:
    text = f"{HEADER}\r\n大田区役所,1,有,\r\n蒲田,x,あり,メモ\r\n,,,\r\n羽田,-1,-,\r\n"
    assert_same_table(polars_table(text, 4), exact_table(text, 4))
    assert our_report(text) == exact_report(text) != []


def test_short_long_and_empty_lines_read_like_the_exact_path() -> None:
    # First line short (it must not set the width), then long, empty, trailing empty cells.
    text = f"{HEADER}\n大田区役所\n蒲田,2,有,,余分,\n\n羽田,3,,\n,,\n池上,-\n\n"
    table = polars_table(text, 4)
    assert table.short_rows == {0: 1, 2: 0, 4: 3, 5: 2, 6: 0}
    assert table.extra_cells == [(1, 5, "余分"), (1, 6, "")]
    assert table.frame.row(0) == ("大田区役所", None, None, None)
    assert table.frame.row(3) == ("羽田", "3", "", "")
    assert_same_table(table, exact_table(text, 4))
    assert our_report(text) == exact_report(text) != []


def test_header_only_and_empty_files() -> None:
    for text in (HEADER, f"{HEADER}\r\n", ""):
        assert polars_table(text, 4).frame.height == 0
        assert our_report(text) == exact_report(text) == []


def test_text_holding_every_line_separator_candidate_is_read_exactly() -> None:
    controls = "".join(chr(code) for code in range(9))
    text = f"{HEADER}\n大田区役所{controls},1,有,\n蒲田,1\n"
    assert unquoted_table(text.encode(), 4, skip_lines=1) is None
    assert our_report(text) == exact_report(text) != []


def test_a_cell_is_null_only_where_the_row_has_no_cell() -> None:
    # "-" and "" are both missing here; the integer column reads "" as missing, not a number.
    text = f"{HEADER}\n大田区役所,,有\n蒲田,,有,\n"
    frame = polars_table(text, 4).frame
    assert frame.get_column("c3").to_list() == [None, ""]
    assert frame.get_column("c1").null_count() == 0


CELL = st.sampled_from(["", "a", "1", "大田", "-", " x "])
LINE = st.lists(CELL, max_size=7).map(",".join)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(LINE, max_size=8),
    ending=st.sampled_from(["\n", "\r\n"]),
    width=st.integers(1, 5),
)
def test_any_ragged_file_reads_like_the_exact_path(
    lines: list[str], ending: str, width: int
) -> None:
    text = ending.join([HEADER, *lines]) + ending
    assert_same_table(polars_table(text, width), exact_table(text, width))


def test_width_is_the_schema_s_not_the_file_s() -> None:
    text = "a,b,c\n1,2,3\n"
    frame = polars_table(text, 2).frame
    assert frame.columns == ["c0", "c1"] and frame.dtypes == [pl.String, pl.String]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("cp932"),
        lambda text: text.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "cp932", "utf-16"],
)
@pytest.mark.parametrize("quoted", [False, True], ids=["unquoted", "quoted"])
def test_a_decoded_file_gets_the_report_of_its_text(encode: Any, quoted: bool) -> None:
    text = f"{HEADER}\r\n大田区役所,x,有\r\n,,,\r\n蒲田,1,有,①髙﨑\r\n"
    if quoted:
        text += '"池上,本門寺",2,無,"改\r\n行"\r\n'
    decoded = decode_table(encode(text))
    ours = validate_csv(decoded, SCHEMA, limit_errors=None)
    assert [(i, i.message) for i in ours.issues] == exact_report(text) != []
    assert (ours.labels, ours.row_count) == (HEADER.split(","), 4 if quoted else 3)


@settings(max_examples=300, deadline=None)
@given(
    raw=st.binary(max_size=24) | st.text(max_size=12).map(str.encode),
    piece=st.sampled_from([4, 5, 7, 1 << 22]),
)
def test_utf8_is_recognised_exactly_as_python_decodes_it(raw: bytes, piece: int) -> None:
    """Whatever the size of the pieces checked at a time (cut inside characters or not)."""
    with mock.patch.object(encoding, "UTF8_PIECE", piece):
        assert_recognised_as_python_decodes(raw)


def assert_recognised_as_python_decodes(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    body = codecs.BOM_UTF8 + raw
    if text is None:
        with pytest.raises(EncodingError):
            decode_table(body)
    else:
        decoded = decode_table(body)
        assert (decoded.encoding, decoded.utf8, decoded.text) == ("utf-8", raw, text)


@pytest.mark.parametrize("raw", [b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80", b"a\xe3\x81"])
def test_surrogates_overlong_and_cut_sequences_are_not_utf8(raw: bytes) -> None:
    with pytest.raises(EncodingError, match="1 行目付近"):
        decode_table(codecs.BOM_UTF8 + raw)
