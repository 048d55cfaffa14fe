"""Japanese checks beyond the schema, and the personal-data scan that blocks publication."""

from __future__ import annotations

import polars as pl
import pytest

from jichitai.opendata.tabular.japanese_checks import (
    excel_serial_dates,
    formula_cells,
    repair_municipality_codes,
    repaired_code,
    swapped_coordinates,
)
from jichitai.opendata.tabular.personal_data import find_personal_data, is_my_number


def frame(*columns: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({f"c{i}": column for i, column in enumerate(columns)})


@pytest.mark.parametrize(
    ("given", "repaired"),
    [
        ("92011", "092011"),
        ("13111", "131113"),
        ("13101", "131016"),
        ("99999", None),
        ("1311", None),
    ],
)
def test_municipality_code_repairs(given: str, repaired: str | None) -> None:
    assert repaired_code(given) == repaired


def test_code_columns_are_repaired_in_place_with_a_record() -> None:
    table = frame(["131113", "13111", "92011", "abc"], ["a", "b", "c", "d"])
    repairs = repair_municipality_codes(table, ["全国地方公共団体コード", "名称"])
    assert table["c0"].to_list() == ["131113", "131113", "092011", "abc"]
    assert [(r.row_index, r.before, r.after) for r in repairs] == [
        (1, "13111", "131113"),
        (2, "92011", "092011"),
    ]


def test_swapped_coordinates_are_pointed_out() -> None:
    table = frame(["35.56", "139.71", None], ["139.71", "35.56", "139.7"])
    issues = swapped_coordinates(table, ["緯度", "経度"])
    assert [(i.type, i.row_number) for i in issues] == [("swapped-coordinates", 3)]


def test_excel_serial_numbers_in_dates_are_explained() -> None:
    issues = excel_serial_dates(frame(["2024-04-01", "44698", "12"]), ["調査年月日"], [0])
    assert [(i.row_number, i.cell, i.note) for i in issues] == [(3, "44698", "2022-05-17")]


def test_formula_cells_are_flagged() -> None:
    table = frame(['=HYPERLINK("http://x","y")', "-1", "@SUM(A1)", "普通"])
    assert [i.row_number for i in formula_cells(table, ["備考"])] == [2, 4]


def test_my_number_check_digit() -> None:
    assert is_my_number("123456789018")
    assert not is_my_number("123456789012")
    assert not is_my_number("12345678901")


def test_personal_data_is_found_by_value_and_label() -> None:
    table = frame(
        ["区役所", "図書館", "公園"],
        ["山田 太郎", "鈴木 花子", "田中 一郎"],
        ["a@example.jp", "b@example.jp", ""],
        ["", "番号 123456789018 です", ""],
        ["03-5744-1111", "03-5744-1112", "03-5744-1113"],
    )
    labels = ["名称", "担当者氏名", "連絡先メールアドレス", "備考", "電話番号"]
    found = {(f.label, f.reason) for f in find_personal_data(table, labels)}
    assert found == {
        ("担当者氏名", "label"),
        ("連絡先メールアドレス", "email"),
        ("備考", "my_number"),
        ("電話番号", "phone"),
    }
    public = frozenset({"連絡先メールアドレス", "電話番号"})
    found = {(f.label, f.reason) for f in find_personal_data(table, labels, public_columns=public)}
    assert found == {("担当者氏名", "label"), ("備考", "my_number")}
