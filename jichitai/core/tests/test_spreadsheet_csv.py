"""CSV for spreadsheets: UTF-8 with BOM, CP932 with a report of what it cannot hold, and no
formulas smuggled in through answers."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.core import spreadsheet_csv

HEADER = ["受付番号", "氏名", "内容"]


def _read(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_utf8_starts_with_a_bom_and_keeps_every_character() -> None:
    rows = [["AAAA-CCCC", "𠮷野 太郎", "犬😀"]]
    data, replaced = spreadsheet_csv.write(HEADER, rows, "utf-8")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert _read(data, "utf-8-sig") == [HEADER, rows[0]]
    assert replaced == []


def test_cp932_keeps_what_it_holds_and_replaces_the_rest_with_geta() -> None:
    # ① and 髙 and 﨑 are in CP932 (NEC/IBM extensions); 𠮷 and emoji are not.
    rows = [
        ["AAAA-CCCC", "髙橋 ①", "ﾃｽﾄ～"],
        ["EEEE-FFFF", "𠮷野 太郎", "犬😀と猫😀"],
        ["GGGG-HHHH", "山﨑", "A—B"],
    ]
    data, replaced = spreadsheet_csv.write(HEADER, rows, "cp932")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert _read(data, "cp932") == [
        HEADER,
        ["AAAA-CCCC", "髙橋 ①", "ﾃｽﾄ～"],
        ["EEEE-FFFF", "〓野 太郎", "犬〓と猫〓"],
        # The em dash has a CP932 twin (―), so nothing is lost or reported.
        ["GGGG-HHHH", "山﨑", "A―B"],
    ]
    assert replaced == [
        spreadsheet_csv.Replacement("EEEE-FFFF", "氏名", "𠮷"),
        spreadsheet_csv.Replacement("EEEE-FFFF", "内容", "😀"),
    ]


def test_variation_selectors_are_dropped_not_reported() -> None:
    text, missing = spreadsheet_csv.fit_cp932("葛\U000e0100飾")
    assert (text, missing) == ("葛飾", "")
    text, missing = spreadsheet_csv.fit_cp932("❤\ufe0f")
    assert (text, missing) == ("〓", "❤")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(start) -> None:
    rows = [["AAAA-CCCC", f'{start}HYPERLINK("http://x")', "普通の文"]]
    for encoding in spreadsheet_csv.ENCODINGS:
        data, _ = spreadsheet_csv.write(HEADER, rows, encoding)
        read = _read(data, "utf-8-sig" if encoding == "utf-8" else "cp932")
        assert read[1][1] == f'\'{start}HYPERLINK("http://x")'
        assert read[1][2] == "普通の文"


def test_numeric_columns_keep_plain_numbers_and_still_defuse_formulas() -> None:
    header = ["名称", "人口", "増減"]
    rows: list[list[str | None]] = [
        ["-12", "-12", "+3.5"],
        ["=1+1", "-1e3", "=SUM(A1:A9)"],
        ["@x", None, "-2+3"],
    ]
    data, _ = spreadsheet_csv.write(header, rows, "utf-8", numeric_columns={1, 2})
    assert _read(data, "utf-8-sig")[1:] == [
        ["'-12", "-12", "+3.5"],  # a text column defuses even a number-like cell
        ["'=1+1", "-1e3", "'=SUM(A1:A9)"],
        ["'@x", "", "'-2+3"],  # -2+3 is a formula, not a number
    ]


def test_header_cells_are_always_defused() -> None:
    data, _ = spreadsheet_csv.write(["-1", "=A1"], [["1", "2"]], "utf-8", numeric_columns={0})
    assert _read(data, "utf-8-sig")[0] == ["'-1", "'=A1"]


def test_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError):
        spreadsheet_csv.write(HEADER, [], "latin-1")  # type: ignore[arg-type]


@given(st.lists(st.lists(st.text(max_size=8), min_size=3, max_size=3), max_size=5))
def test_any_text_round_trips_cp932_with_only_reported_characters_lost(rows) -> None:
    rows = [[f"R{index}", *row[1:]] for index, row in enumerate(rows)]
    data, replaced = spreadsheet_csv.write(HEADER, rows, "cp932")
    read = _read(data, "cp932")
    assert len(read) == len(rows) + 1
    lost = {char for item in replaced for char in item.characters}
    for original, written in zip(rows, read[1:], strict=True):
        for cell, out in zip(original, written, strict=True):
            expected, missing = spreadsheet_csv.fit_cp932(spreadsheet_csv.defuse_formula(cell))
            assert set(missing) <= lost
            # Some characters have one-way CP932 mappings (¢ is written as the bytes of ￠).
            assert out == expected.encode("cp932").decode("cp932")
