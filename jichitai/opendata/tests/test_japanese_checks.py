"""Japanese checks beyond the schema, and the personal-data scan that blocks publication."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import pytest

from jichitai.opendata.tabular.japanese_checks import (
    code_check_digit_errors,
    excel_serial_dates,
    formula_cells,
    repair_municipality_codes,
    repaired_code,
    swapped_coordinates,
)
from jichitai.opendata.tabular.personal_data import find_personal_data, is_my_number


def frame(*columns: Sequence[str | None]) -> pl.DataFrame:
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
    # Columns 2 and 4 belong to the matched standard, which types them: public.
    typed = frozenset({2, 4})
    found = {
        (f.label, f.reason)
        for f in find_personal_data(table, labels, standard_columns=typed, typed_columns=typed)
    }
    assert found == {("担当者氏名", "label"), ("備考", "my_number")}


AED_LABELS = ["名称", "電話番号", "連絡先メールアドレス", "備考"]
AED_STANDARD = frozenset({0, 1, 2, 3})
AED_TYPED = frozenset({1, 2})  # 備考 and 名称 are untyped text in the standard


def aed_findings(remarks: list[str | None]) -> set[tuple[str, str, tuple[int, ...]]]:
    table = frame(
        [f"AED{n}" for n in range(len(remarks))],
        ["03-5744-1111"] * len(remarks),
        ["aed@city.ota.tokyo.jp"] * len(remarks),
        remarks,
    )
    findings = find_personal_data(
        table, AED_LABELS, standard_columns=AED_STANDARD, typed_columns=AED_TYPED
    )
    return {(f.label, f.reason, f.rows) for f in findings}


def test_personal_data_in_a_standards_free_text_column_is_found() -> None:
    found = aed_findings(["1階入口", "大田 太郎 090-1234-5678 taro@example.com", "", None])
    assert found == {
        ("備考", "mobile_in_text", (3,)),
        ("備考", "email_in_text", (3,)),
    }


@pytest.mark.parametrize(
    ("remark", "reason"),
    [
        ("管理は大田 太郎様が担当", "name_in_text"),
        ("連絡は山田花子さんへ", "name_in_text"),
        ("鍵は 大田 はなこさん が保管", "name_in_text"),
        ("緊急時 080 1234 5678", "mobile_in_text"),
        ("緊急時０７０－１２３４－５６７８へ", "mobile_in_text"),
        ("蒲田1-2-3 大田様方", "address_in_text"),
        ("番号 123456789018", "my_number"),
        ("問い合わせ：someone@gmail.com", "email_in_text"),
    ],
)
def test_each_kind_of_personal_data_in_free_text(remark: str, reason: str) -> None:
    found = {reason for _label, reason, _rows in aed_findings(["", remark])}
    assert reason in found


@pytest.mark.parametrize(
    "remark",
    [
        "利用者様は受付で申し出てください",
        "地域の皆さんの協力で設置",
        "公園でみなさんが使えます",
        "ご担当者様へ",
        "区長様の承認済み",
        "教育委員会様より寄贈",
        "問い合わせ：aed@city.ota.lg.jp",
        "代表 03-5744-1111",
        "設置日 2024-04-01、12345678901 番",
        "建物名 蒲田ビル 101号室",
        "管理番号 0901234567890",
    ],
)
def test_public_free_text_is_not_flagged(remark: str) -> None:
    assert aed_findings(["", remark]) == set()


def test_a_facilitys_public_phone_in_a_typed_column_is_not_personal() -> None:
    table = frame(["AED1", "AED2"], ["090-1234-5678", "03-5744-1111"], ["", ""], ["", ""])
    findings = find_personal_data(
        table, AED_LABELS, standard_columns=AED_STANDARD, typed_columns=AED_TYPED
    )
    assert findings == []


def test_a_name_listed_in_a_person_column_is_found_in_free_text() -> None:
    table = frame(["区役所", "図書館"], ["大田　太郎", "鈴木 花子"], ["", "鈴木 花子 が対応"])
    findings = find_personal_data(table, ["名称", "担当者", "備考"])
    assert {(f.label, f.reason, f.rows, f.count) for f in findings} == {
        ("担当者", "label", (2, 3), 2),
        ("備考", "name_in_text", (3,), 1),
    }


def test_findings_keep_sample_rows_and_a_count() -> None:
    remarks = [f"連絡先 090-0000-{n:04d}" for n in range(8)]
    [finding] = find_personal_data(
        frame(remarks), ["備考"], standard_columns=frozenset({0}), typed_columns=frozenset()
    )
    assert finding.reason == "mobile_in_text"
    assert finding.rows == (2, 3, 4, 5, 6) and finding.count == 8 and finding.example_row == 2


def test_six_digit_codes_with_a_wrong_check_digit_are_errors() -> None:
    table = frame(["131113", "131114", "13111", "", None, "130001", "131114"], ["x"] * 7)
    issues = code_check_digit_errors(table, ["全国地方公共団体コード", "名称"])
    assert [(i.type, i.row_number, i.field_number, i.cell, i.note) for i in issues] == [
        ("municipality-code", 3, 1, "131114", "131113"),
        ("municipality-code", 8, 1, "131114", "131113"),
    ]
    assert issues[0].message == (
        "「全国地方公共団体コード」の「131114」は全国地方公共団体コードの検査数字（6桁目）が"
        "正しくありません（先頭5桁からは「3」、コードは「131113」のはずです）。"
    )
    # Only code columns are read.
    assert code_check_digit_errors(table, ["名称", "備考"]) == []
