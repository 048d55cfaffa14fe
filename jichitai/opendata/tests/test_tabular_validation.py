"""The table validator against the reference implementation (frictionless-py) as oracle.

Both must report the same errors — type, row, column and constraint — for every kind of
cell and row trouble, whether the file is quoted (csv module path) or not (polars path).
"""

from __future__ import annotations

import codecs
from typing import Any

import pytest
from frictionless import Resource, Schema, validate
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.opendata.tabular.cells import FieldJudge
from jichitai.opendata.tabular.encoding import EncodingError, decode_table
from jichitai.opendata.tabular.headers import find_header_row, normalise_label
from jichitai.opendata.tabular.table_schema import Field, SchemaError, TableSchema
from jichitai.opendata.tabular.validator import validate_csv

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "i", "type": "integer", "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "n", "type": "number", "constraints": {"minimum": 20, "maximum": 46}},
        {"name": "d", "type": "date"},
        {"name": "t", "type": "time", "format": "%H:%M"},
        {"name": "b", "type": "boolean"},
        {
            "name": "s",
            "type": "string",
            "constraints": {
                "required": True,
                "pattern": "[0-9]{6}",
                "enum": ["131113", "abc"],
                "maxLength": 6,
            },
        },
        {"name": "k", "type": "string", "constraints": {"pattern": "[ァ-ヶー]+"}},
        {"name": "u", "type": "string", "constraints": {"unique": True}},
        {"name": "y", "type": "string", "constraints": {"enum": ["有", "無"]}},
    ],
    "primaryKey": ["u"],
}
ROWS = [
    "1,35.5,2024-01-01,09:00,true,131113,カマタ,a,有",
    "1.0,1e1,2024-1-1,9:00,yes,13111,かまた,b,あり",
    " 2,+35,2024-02-30,25:00,TRUE,1311130,カマタ,c,無",
    "-1,NaN,44698,09:00:00,1,,カマタ,a,",
    "+3,inf,2024-01-01T00:00,09:60,0,abc,ｶﾏﾀ,,有",
    "101,35.0 ,20240101,0900,False,131113,カマタ,d,無",
    ",,,,,,,,",
    "7,36",
    "",
    "8,36,2024-01-01,09:00,true,131113,カマタ,e,有,extra,more",
    "9,139.7,2024-12-31,23:59,0,131113,オオモリ,f,無",
]


def reference_keys(text: str) -> set[tuple[object, ...]]:
    report = validate(
        Resource(data=text.encode(), format="csv", schema=Schema.from_descriptor(SCHEMA)),
        limit_errors=10_000,
    )
    keys: set[tuple[object, ...]] = set()
    for error in report.tasks[0].errors:
        note = error.note.split('"')[1] if error.type == "constraint-error" else ""
        keys.add((error.type, error.row_number, getattr(error, "field_number", None), note))
    return keys


def our_keys(text: str) -> set[tuple[object, ...]]:
    report = validate_csv(text, TableSchema.from_descriptor(SCHEMA), limit_errors=10_000)
    assert report.error_count == len(report.issues)
    return {
        (i.type, i.row_number, i.field_number, i.note if i.type == "constraint-error" else "")
        for i in report.issues
    }


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_unquoted_file_matches_the_reference(line_end: str) -> None:
    text = line_end.join(["i,n,d,t,b,s,k,u,y", *ROWS]) + line_end
    assert '"' not in text
    assert our_keys(text) == reference_keys(text)


def test_quoted_file_matches_the_reference() -> None:
    quoted = [*ROWS, '"1,000","35,5",2024-01-01,09:00,true,"131113","カマ\nタ",g,有']
    text = "\r\n".join(["i,n,d,t,b,s,k,u,y", *quoted]) + "\r\n"
    assert our_keys(text) == reference_keys(text)


def test_a_valid_table_has_no_issues() -> None:
    text = "i,n,d,t,b,s,k,u,y\n1,35.5,2024-01-01,09:00,true,131113,カマタ,a,有\n"
    report = validate_csv(text, TableSchema.from_descriptor(SCHEMA))
    assert report.valid and report.row_count == 1


def test_issues_say_what_is_wrong_in_japanese() -> None:
    text = "i,n,d,t,b,s,k,u,y\nx,35.5,2024-01-01,09:00,true,,カマタ,a,有\n"
    messages = [i.message for i in validate_csv(text, TableSchema.from_descriptor(SCHEMA)).issues]
    assert messages == ["「i」の値「x」は整数として読めません。", "「s」は必須です。"]


def test_errors_are_limited_but_counted() -> None:
    text = "i,n,d,t,b,s,k,u,y\n" + "x,35,2024-01-01,09:00,1,131113,カ,,有\n" * 50
    report = validate_csv(text, TableSchema.from_descriptor(SCHEMA), limit_errors=10)
    assert (len(report.issues), report.error_count) == (10, 100)  # type and primary key


CELLS = st.text(alphabet="0123456789+-.eE:TZ ,１２aあ", max_size=12)


@pytest.mark.parametrize(
    "descriptor",
    [
        {"name": "x", "type": "integer", "constraints": {"minimum": -5, "maximum": 50}},
        {"name": "x", "type": "number", "constraints": {"maximum": 100}},
        {"name": "x", "type": "date"},
        {"name": "x", "type": "time", "format": "%H:%M"},
        {"name": "x", "type": "boolean"},
        {"name": "x", "type": "year"},
        {"name": "x", "type": "string", "constraints": {"minLength": 2, "pattern": "[0-9]+|a"}},
    ],
)
@settings(max_examples=150, deadline=None)
@given(cell=CELLS)
def test_single_cells_are_judged_like_the_reference(descriptor: dict[str, Any], cell: str) -> None:
    if cell == "":
        return  # A missing value, not a cell to judge.
    reference = Schema.from_descriptor({"fields": [descriptor]}).fields[0]
    _, notes = reference.read_cell(cell)
    expected = () if not notes else ("type",) if "type" in notes else tuple(notes)
    _, failed = FieldJudge(TableSchema.from_descriptor({"fields": [descriptor]}).fields[0])(cell)
    assert failed == expected


class TestEncodings:
    TEXT = "名称,備考\n大田区役所,①髙﨑㈱\n"

    @pytest.mark.parametrize(
        ("raw", "encoding", "bom"),
        [
            (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", True),
            (TEXT.encode("utf-8"), "utf-8", False),
            (TEXT.encode("cp932"), "cp932", False),
            (TEXT.encode("utf-16"), "utf-16", True),
            (TEXT.encode("utf-16-le"), "utf-16", False),
            (TEXT.encode("utf-16-be"), "utf-16", False),
        ],
    )
    def test_detected_and_decoded(self, raw: bytes, encoding: str, bom: bool) -> None:
        decoded = decode_table(raw)
        assert (decoded.text, decoded.encoding, decoded.bom) == (self.TEXT, encoding, bom)

    def test_undecodable_bytes_are_refused_with_where(self) -> None:
        raw = "名称\n大田区\n".encode("cp932") + b"\x81\xff\xfe\x85"
        with pytest.raises(EncodingError, match="3 行目付近"):
            decode_table(raw)

    def test_a_stray_nul_does_not_make_a_file_utf16(self) -> None:
        raw = ("名称,備考\n" + "大田区役所,サンプル\n" * 20).encode("cp932") + b"\x00"
        assert decode_table(raw).encoding == "cp932"


def test_header_row_found_below_a_title_and_with_half_width_kana() -> None:
    rows = [["大田区 AED設置箇所一覧"], [], ["全国地方公共団体ｺｰﾄﾞ", "名称"], ["131113", "区役所"]]
    assert find_header_row(rows, ["全国地方公共団体コード", "名称"]) == 2
    assert normalise_label(" 全国地方公共団体ｺｰﾄﾞ ") == "全国地方公共団体コード"


@pytest.mark.parametrize(
    "descriptor",
    [
        {"fields": "nope"},
        {"fields": [{"type": "string"}]},
        {"fields": [{"name": "a", "type": "geopoint"}]},
        {"fields": [{"name": "a", "constraints": {"minimum": 1}}]},
        {"fields": [{"name": "a", "constraints": {"pattern": "("}}]},
        {"fields": [{"name": "a"}, {"name": "a"}]},
        {"fields": [{"name": "a"}], "primaryKey": ["b"]},
        {"fields": [{"name": "a"}], "foreignKeys": []},
    ],
)
def test_schemas_we_cannot_honour_are_refused(descriptor: dict[str, Any]) -> None:
    with pytest.raises(SchemaError):
        TableSchema.from_descriptor(descriptor)


def test_field_defaults() -> None:
    assert Field("x").constraint_order[0] == "required"


@pytest.mark.parametrize("quoted", [False, True])
def test_checking_in_chunks_of_rows_finds_the_same_errors(monkeypatch, quoted: bool) -> None:
    """Rows checked three at a time: duplicates and keys across chunks still found."""
    from jichitai.opendata.tabular import validator

    rows = [*ROWS, *ROWS] if not quoted else [*ROWS, '"1,000",36,2024-01-01,09:00,1,abc,カ,a,有']
    text = "\r\n".join(["i,n,d,t,b,s,k,u,y", *rows]) + "\r\n"
    whole = our_keys(text)
    monkeypatch.setattr(validator, "CHUNK_ROWS", 3)
    assert our_keys(text) == whole == reference_keys(text)


def test_progress_is_reported_per_chunk_of_rows(monkeypatch) -> None:
    from jichitai.opendata import checking
    from jichitai.opendata.tabular import validator

    monkeypatch.setattr(validator, "CHUNK_ROWS", 10)
    monkeypatch.setattr(checking, "READ_CHUNK_ROWS", 10)
    # Quoted cells are read by `csv`, a chunk of lines at a time.
    text = "名称,数\r\n" + "".join(f'"施設{n}",{n}\r\n' for n in range(45))
    seen: list[int] = []
    checking.check_bytes(text.encode(), "CSV", progress=seen.append)
    # Reading: after 10, 20, 30 and 40 lines; validating: after 10, 20, 30, 40 and 45 rows.
    reading, validating = seen[:4], seen[seen.index(40) + 1 : seen.index(85)]
    assert all(5 <= p <= 20 for p in reading) and reading == sorted(reading)
    assert validating == [40 + 40 * done // 45 for done in (10, 20, 30, 40, 45)]


def test_progress_of_a_file_polars_reads_at_once_is_per_chunk_of_rows_checked(
    monkeypatch,
) -> None:
    from jichitai.opendata import checking
    from jichitai.opendata.tabular import validator

    monkeypatch.setattr(validator, "CHUNK_ROWS", 10)
    text = "名称,数\r\n" + "".join(f"施設{n},{n}\r\n" for n in range(45))
    seen: list[int] = []
    checking.check_bytes(text.encode(), "CSV", progress=seen.append)
    validating = seen[seen.index(40) + 1 : seen.index(85)]
    assert seen[: seen.index(40)] == [] and validating == [
        40 + 40 * done // 45 for done in (10, 20, 30, 40, 45)
    ]
