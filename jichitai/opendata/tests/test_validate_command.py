"""`manage.py opendata_validate`: the upload's checks from the command line, as text or JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jichitai.opendata.checking import check_bytes
from jichitai.opendata.standards import standard_by_id
from jichitai.opendata.standards.samples import sample_rows
from jichitai.opendata.tests.test_xlsx import workbook

AED = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]


def aed_file(tmp_path: Path, spoil: bool = False, encoding: str = "utf-8") -> Path:
    rows = [AED.labels, *sample_rows(AED, 4, title="AED")]
    if spoil:
        rows[2][AED.labels.index("緯度")] = "35度33分"
        rows[3][AED.labels.index("小児対応設備の有無")] = "あり"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "aed.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("opendata_validate", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_errors_are_printed_as_json_with_row_column_code_and_message(tmp_path):
    code, out, _ = run(str(aed_file(tmp_path, spoil=True, encoding="cp932")), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["standard"] == {
        "id": "aed-locations",
        "title": "AED設置箇所一覧",
        "layout": "legacy",
    }
    assert (report["encoding"], report["rows"], report["valid"]) == ("cp932", 4, False)
    assert report["columns"] == AED.labels
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (3, "緯度", "type-error"),
        (4, "小児対応設備の有無", "constraint-error"),
    ]
    assert report["errors"][0]["message"] == "「緯度」の値「35度33分」は数値として読めません。"
    assert report["error_count"] == 2


def test_a_valid_file_exits_zero_and_prints_a_readable_summary(tmp_path):
    code, out, _ = run(str(aed_file(tmp_path)))
    assert code == 0
    assert "standard: aed-locations (legacy)" in out
    assert "rows: 4" in out and "errors: 0" in out
    assert out.rstrip().endswith("valid")


def test_messages_can_be_in_english(tmp_path):
    code, out, _ = run(str(aed_file(tmp_path, spoil=True)), "--json", "--language", "en")
    assert code == 1
    assert "cannot be read as" in json.loads(out)["errors"][0]["message"]


def test_a_named_schema_is_used_even_when_the_header_barely_matches(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("名称,緯度\r\n区役所,北緯35度\r\n", encoding="utf-8")
    code, out, _ = run(str(path), "--json")
    assert code == 0 and json.loads(out)["standard"] is None
    code, out, _ = run(str(path), "--json", "--schema", "aed-locations")
    assert code == 1
    assert [(e["code"], e["column"]) for e in json.loads(out)["errors"]] == [
        ("missing-label", "住所"),
        ("type-error", "緯度"),
    ]


def test_a_named_schemas_missing_required_columns_are_errors_in_japanese_and_english(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("名称,緯度,経度\r\n区役所,35.56,139.71\r\n", encoding="utf-8")
    code, out, _ = run(str(path), "--json")
    assert code == 0 and json.loads(out)["valid"] is True
    code, out, _ = run(str(path), "--json", "--schema", "aed-locations")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False and report["error_count"] == 1
    assert report["standard"]["layout"] == "legacy"
    [missing] = report["errors"]
    assert (missing["code"], missing["column"], missing["row"]) == ("missing-label", "住所", None)
    assert missing["message"] == (
        "準拠する標準データセットの必須項目「住所」の列がありません。"
        "見出しが「住所」の列を加えてください。"
    )
    code, out, _ = run(str(path), "--schema", "aed-locations", "--language", "en")
    assert code == 1
    assert "missing-label" in out and "住所" in out and "requires" in out
    assert out.rstrip().endswith("invalid")


def test_the_schema_can_be_named_by_its_japanese_title(tmp_path):
    path = aed_file(tmp_path)
    code, out, _ = run(str(path), "--json", "--schema", "AED設置箇所一覧")
    assert code == 0 and json.loads(out)["standard"]["id"] == "aed-locations"
    code, out, _ = run(str(path), "--json", "--schema", " ＡＥＤ設置箇所一覧 ")
    assert code == 0 and json.loads(out)["standard"]["id"] == "aed-locations"
    few = tmp_path / "few.csv"
    few.write_text("名称,緯度,経度\r\n区役所,35.56,139.71\r\n", encoding="utf-8")
    code, out, _ = run(str(few), "--json", "--schema", "AED設置箇所一覧")
    assert code == 1 and json.loads(out)["errors"][0]["column"] == "住所"


def test_an_xlsx_is_validated_too(tmp_path):
    path = tmp_path / "aed.xlsx"
    path.write_bytes(workbook(AED.labels, *sample_rows(AED, 2, title="AED")))
    code, out, _ = run(str(path), "--json")
    assert code == 0
    assert json.loads(out)["format"] == "XLSX"


def test_unreadable_files_exit_two_with_the_reason(tmp_path):
    path = tmp_path / "page.csv"
    path.write_text("<!DOCTYPE html><html></html>", encoding="utf-8")
    code, out, _ = run(str(path), "--json")
    assert code == 2
    assert json.loads(out) == {
        "file": str(path),
        "valid": False,
        "readable": False,
        "message": "HTML、SVG、XML のファイルは公開できません。",
    }


def test_unknown_schemas_and_missing_files_are_command_errors(tmp_path):
    with pytest.raises(CommandError, match="unknown schema"):
        call_command("opendata_validate", str(aed_file(tmp_path)), "--schema", "nope")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("opendata_validate", str(tmp_path / "missing.csv"))


def test_numeric_columns_of_the_standard_are_known_for_the_published_csv(tmp_path):
    check = check_bytes(aed_file(tmp_path).read_bytes(), "CSV")
    assert {AED.labels[n] for n in check.numeric_columns} >= {"緯度", "経度"}
    assert AED.labels.index("名称") not in check.numeric_columns
