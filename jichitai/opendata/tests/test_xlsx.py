"""Reading XLSX: the zip is inspected before it is opened (bombs, nesting, path tricks),
dates become ISO dates, formulas are reported and never run."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from jichitai.opendata.checking import Unreadable, check_bytes
from jichitai.opendata.tabular import xlsx
from jichitai.opendata.tabular.xlsx import WorkbookRefused, inspect_zip, read_first_sheet


def workbook(*rows: list[object], cached: dict[str, str] | None = None) -> bytes:
    """An XLSX of these rows; `cached` puts saved results into formula cells (openpyxl
    writes none, Excel always does): {"<f>1+1</f><v />": "<f>1+1</f><v>2</v>"}."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if not cached:
        return buffer.getvalue()
    return rewrite(buffer.getvalue(), "xl/worksheets/sheet1.xml", cached)


def rewrite(raw: bytes, name: str, replacements: dict[str, str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == name:
                text = data.decode()
                for old, new in replacements.items():
                    assert old in text
                    text = text.replace(old, new)
                data = text.encode()
            target.writestr(entry.filename, data)
    return out.getvalue()


def with_entries(entries: dict[str, bytes], raw: bytes | None = None) -> bytes:
    """A workbook with extra entries added to its archive."""
    out = io.BytesIO(raw or workbook(["a"], ["1"]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_dates_become_iso_dates_and_numbers_keep_their_spelling():
    raw = workbook(
        ["名称", "日付", "時刻", "数", "小数", "有無"],
        ["区役所", dt.date(2024, 4, 1), dt.time(9, 30), -12, 35.561, True],
        ["図書館", dt.datetime(2024, 4, 1, 9, 30), dt.time(9, 30, 15), 3.0, 1.5, False],
    )
    sheet = read_first_sheet(raw)
    assert sheet.rows == [
        ["名称", "日付", "時刻", "数", "小数", "有無"],
        ["区役所", "2024-04-01", "09:30", "-12", "35.561", "true"],
        ["図書館", "2024-04-01T09:30:00", "09:30:15", "3", "1.5", "false"],
    ]
    assert sheet.formulas == []


def test_short_rows_are_filled_with_empty_cells_and_trailing_formatting_dropped():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a", "b", "c"])
    sheet.append(["1"])
    sheet["A5"].value = None  # a formatted, empty row at the bottom
    sheet["A5"].number_format = "0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_first_sheet(buffer.getvalue()).rows == [["a", "b", "c"], ["1", "", ""]]


def test_formulas_publish_their_saved_result_and_are_reported_never_run():
    raw = workbook(
        ["名称", "リンク", "合計"],
        ["区役所", '=HYPERLINK("http://evil.example/","開く")', "=1+1"],
        cached={
            '<f>HYPERLINK("http://evil.example/","開く")</f><v />': (
                '<f>HYPERLINK("http://evil.example/","開く")</f><v>開く</v>'
            ),
            "<f>1+1</f><v />": "<f>1+1</f><v>2</v>",
        },
    )
    # A formula cell holding a string result says so in its type attribute.
    raw = rewrite(raw, "xl/worksheets/sheet1.xml", {'<c r="B2">': '<c r="B2" t="str">'})
    sheet = read_first_sheet(raw)
    assert sheet.rows[1] == ["区役所", "開く", "2"]
    assert [(f.row, f.column, f.formula, f.value) for f in sheet.formulas] == [
        (2, 2, '=HYPERLINK("http://evil.example/","開く")', "開く"),
        (2, 3, "=1+1", "2"),
    ]


def test_a_formula_without_a_saved_result_is_kept_as_text_and_warned_about():
    check = check_bytes(workbook(["名称", "式"], ["区役所", "=A1&A2"]), "XLSX")
    assert check.rows == [("区役所", "=A1&A2")]
    assert [(w.type, w.row_number, w.field_name, w.cell) for w in check.warnings] == [
        ("xlsx-formula", 2, "式", "=A1&A2")
    ]
    assert "保存された計算結果がない" in check.warnings[0].message


def test_a_zip_bomb_is_refused_by_its_compression_ratio_before_opening():
    bomb = with_entries({"xl/media/image1.png": b"\0" * 5_000_000})
    with pytest.raises(WorkbookRefused, match="圧縮爆弾"):
        inspect_zip(bomb)
    with pytest.raises(Unreadable, match="圧縮爆弾"):
        check_bytes(bomb, "XLSX")


def test_the_total_expanded_size_is_limited(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_TOTAL_UNCOMPRESSED", 2_000)
    with pytest.raises(WorkbookRefused, match="展開後の大きさ"):
        inspect_zip(workbook(["a"] * 50, ["x" * 40] * 50))


def test_too_many_entries_are_refused(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ENTRIES", 12)
    raw = with_entries({f"xl/extra{n}.xml": b"<a/>" for n in range(5)})
    with pytest.raises(WorkbookRefused, match="項目が多すぎます"):
        inspect_zip(raw)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("xl/embeddings/inner.zip", "別の圧縮ファイル"),
        ("xl/embeddings/Book2.xlsx", "別の圧縮ファイル"),
        ("../../etc/cron.d/x", "不正な名前"),
        ("/etc/passwd", "不正な名前"),
        ("xl\\..\\..\\evil.xml", "不正な名前"),
        ("C:/evil.xml", "不正な名前"),
    ],
)
def test_nested_archives_and_path_tricks_are_refused(name, reason):
    with pytest.raises(WorkbookRefused, match=reason):
        inspect_zip(with_entries({name: b"data"}))


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(WorkbookRefused, match="Excel ブック（XLSX）ではない"):
        inspect_zip(out.getvalue())


@pytest.mark.parametrize(
    "raw",
    [
        b"PK\x03\x04 broken",
        with_entries({}, workbook(["a"]))[:-40],  # cut short
    ],
)
def test_broken_archives_are_unreadable_with_a_reason(raw):
    with pytest.raises(Unreadable) as refused:
        check_bytes(raw, "XLSX")
    assert "読めません" in str(refused.value)


def test_entity_expansion_in_the_sheet_is_refused_not_expanded():
    billion_laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    raw = rewrite(
        workbook(["a"], ["b"]),
        "xl/worksheets/sheet1.xml",
        {"<worksheet": billion_laughs + "<worksheet", "<t>b</t>": "<t>&lol2;</t>"},
    )
    with pytest.raises(Unreadable, match="Excel ファイルとして読めません"):
        check_bytes(raw, "XLSX")


def test_an_entry_lying_about_its_size_is_never_expanded_past_what_it_declares():
    """The zip guard trusts declared sizes because Python's zip reader stops at them: a
    bomb that declares 1 KB and holds 20 MB is cut off and fails its checksum."""
    book = openpyxl.Workbook()
    book.active.append(["a"])
    buffer = io.BytesIO()
    book.save(buffer)
    raw = rewrite(buffer.getvalue(), "xl/worksheets/sheet1.xml", {"<sheetData>": "<sheetData>"})
    bomb = _declare_size(raw, "xl/worksheets/sheet1.xml", b" " * 20_000_000, declared=1000)
    inspect_zip(bomb)  # looks harmless from its directory
    with pytest.raises(Unreadable, match="Excel ファイルとして読めません"):
        check_bytes(bomb, "XLSX")


def _declare_size(raw: bytes, name: str, padding: bytes, *, declared: int) -> bytes:
    """The archive with `padding` appended to one entry, whose headers then claim `declared`
    bytes uncompressed."""
    import struct

    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            target.writestr(entry.filename, data + padding if entry.filename == name else data)
    patched = bytearray(out.getvalue())
    encoded = name.encode()
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            if patched[start + name_offset : start + name_offset + len(encoded)] == encoded:
                struct.pack_into("<I", patched, start + size_offset, declared)
            start += 4
    return bytes(patched)
