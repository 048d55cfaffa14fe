"""A CSV file's check is the same whichever way its records are read.

Files in which every line is one record (no quotes) have their body read by polars straight
from the bytes (checking._check_csv); every other file by `csv`. The report, the warnings,
the personal-data findings, the matched standard and the repaired table must not depend on
which reading a file took, so each case here is checked both ways.
"""

from __future__ import annotations

import codecs
import csv
import io
from unittest import mock

import pytest
from polars.testing import assert_frame_equal

from jichitai.opendata import checking
from jichitai.opendata.checking import FileCheck, Unreadable, check_bytes
from jichitai.opendata.standards import standard_by_id
from jichitai.opendata.standards.samples import sample_rows
from jichitai.opendata.tabular.unquoted import one_record_per_line


def _csv(rows: list[list[str]], *, newline: str = "\r\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


def _aed_rows(count: int) -> list[list[str]]:
    layout = standard_by_id("aed-locations").current  # type: ignore[union-attr]
    rows = list(sample_rows(layout, count, seed=7))
    # Faults the checks report: a bad code, a bad time, swapped coordinates, a short and a
    # long row, a blank line, a formula, a private person's phone number in free text.
    rows[1][0] = "13111X"
    rows[2] = rows[2][:3]
    rows[3] = [*rows[3], "余分"]
    rows[4] = []
    rows[5][-1] = "=SUM(A1:A9)"
    rows[6][-1] = "担当 山田太郎様 090-1234-5678"
    return [list(layout.labels), *rows]


AED = _aed_rows(60)
# Each file, and whether polars reads its body (every line one record, UTF-8 or decoded).
CASES = {
    "standard, CRLF": (_csv(AED).encode(), True),
    "standard, LF, BOM": (codecs.BOM_UTF8 + _csv(AED, newline="\n").encode(), True),
    "standard, CP932": (_csv(AED).encode("cp932"), True),
    "standard, UTF-16": (_csv(AED).encode("utf-16"), True),
    "title and blank line above the header": (
        _csv([["AED設置箇所一覧（サンプル）"], [], *AED]).encode(),
        True,
    ),
    "no standard, ragged": (
        _csv([["名前", "数"], ["a", "1"], ["b"], [], ["c", "3", "x", "y"], ["　", ""]]).encode(),
        True,
    ),
    "no final line break": (_csv([["名前", "数"], ["a", "1"], ["b", "2"]])[:-2].encode(), True),
    "header only": (_csv([["名前", "数"]]).encode(), True),
    "blank lines then a header": (b"\r\n\r\n,\r\nA,B\r\n1,2\r\n", True),
    "a carriage return alone ends a record": (b"A,B\r1,2\r3,4\r", False),
    "quoted cells": (
        _csv([["名前", "備考"], ["a", "x,y"], ["b", "two\nlines"]]).encode(),
        False,
    ),
}


def _exactly(raw: bytes) -> FileCheck:
    with mock.patch.object(checking, "one_record_per_line", return_value=None):
        return check_bytes(raw, "CSV")


@pytest.mark.parametrize(("raw", "read_by_polars"), CASES.values(), ids=CASES.keys())
def test_a_file_gets_the_same_check_either_way(raw: bytes, read_by_polars: bool) -> None:
    with mock.patch.object(
        checking, "unquoted_table", wraps=checking.unquoted_table
    ) as polars_reading:
        fast = check_bytes(raw, "CSV")
    assert polars_reading.called is read_by_polars
    exact = _exactly(raw)
    assert fast.report == exact.report
    assert (fast.warnings, fast.findings) == (exact.warnings, exact.findings)
    assert (fast.match, fast.encoding, fast.bom) == (exact.match, exact.encoding, exact.bom)
    assert fast.frame is not None and exact.frame is not None
    assert_frame_equal(fast.frame, exact.frame)
    assert fast.rows == exact.rows


def test_the_faults_seeded_in_the_standard_file_are_reported() -> None:
    check = check_bytes(CASES["standard, CRLF"][0], "CSV")
    assert check.match is not None
    kinds = {issue.type for issue in check.report.issues}
    assert {"missing-cell", "extra-cell", "blank-row"} <= kinds
    assert any(issue.type == "formula-cell" for issue in check.warnings)
    assert {finding.reason for finding in check.findings} >= {"mobile_in_text", "name_in_text"}


@pytest.mark.parametrize(
    ("raw", "one_per_line"),
    [
        (b"A,B\r\n1,2\r\n", True),
        (b"A,B\n1,2", True),
        (b'A,B\r\n"1,5",2\r\n', False),
        (b"A,B\r1,2\r", False),
        (b"A,B\r\n1,2\r3,4\r\n", False),
    ],
)
def test_which_files_are_read_a_line_a_record(raw: bytes, one_per_line: bool) -> None:
    decoded = checking.decode_table(raw)
    assert (one_record_per_line(decoded) is not None) is one_per_line


def test_a_blank_file_is_refused_either_way() -> None:
    for raw in (b"", b"\r\n \r\n,,\r\n"):
        with pytest.raises(Unreadable):
            check_bytes(raw, "CSV")
        with pytest.raises(Unreadable):
            _exactly(raw)
