"""Checking a file's bytes, whatever its format, into one report — without touching the database.

The upload task (`services.uploads.check_file`) and the command line
(`manage.py opendata_validate`) both call `check_bytes`, so a file gets the same verdict
wherever it is checked. Tables (CSV, and the first sheet of an XLSX) go through the same
pipeline: header row, standard data set, Table Schema, Japanese checks, personal data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from jichitai.opendata.standards import (
    StandardDataset,
    StandardMatch,
    match_standard,
    missing_optional_labels,
    missing_required_labels,
)
from jichitai.opendata.tabular import japanese_checks
from jichitai.opendata.tabular.encoding import Decoded, EncodingError, decode_table
from jichitai.opendata.tabular.headers import HEADER_SEARCH_ROWS, find_header_row, normalise_label
from jichitai.opendata.tabular.personal_data import PersonalDataFinding, find_personal_data
from jichitai.opendata.tabular.report import PHASES, Issue, Report
from jichitai.opendata.tabular.table import Table, table_from_rows
from jichitai.opendata.tabular.table_schema import SchemaError, TableSchema
from jichitai.opendata.tabular.unquoted import first_records, one_record_per_line, unquoted_table
from jichitai.opendata.tabular.validator import validate_table
from jichitai.opendata.tabular.xlsx import Formula, WorkbookRefused, read_first_sheet

ISSUES_KEPT = 1000  # in the database, for the page; the full list goes to a CSV file
READ_CHUNK_ROWS = 50_000
NUMERIC_TYPES = frozenset({"integer", "number", "year"})
TABLE_FORMATS = frozenset({"CSV", "XLSX"})

Progress = Callable[[int], None]


class Unreadable(ValueError):
    """The file cannot be read at all; the message says why, for staff."""


@dataclass
class FileCheck:
    """What checking a file found. A table also carries its rows, for the published CSV."""

    format: str
    report: Report
    warnings: list[Issue] = field(default_factory=list)
    findings: list[PersonalDataFinding] = field(default_factory=list)
    match: StandardMatch | None = None
    encoding: str = ""
    bom: bool = False
    rows: list[tuple[Any, ...]] | None = None  # the table's data rows, repaired
    numeric_columns: frozenset[int] = frozenset()
    page_count: int | None = None
    # The table's repaired cells as text columns and the schema checked against: what the
    # datastore loads (typed), rather than the published CSV with its formula escaping.
    frame: pl.DataFrame | None = None
    schema: TableSchema | None = None

    @property
    def warning_count(self) -> int:
        return len(self.warnings)


def _nothing(percent: int) -> None:
    return None


def check_bytes(
    raw: bytes,
    file_format: str,
    *,
    standard: StandardDataset | None = None,
    progress: Progress = _nothing,
) -> FileCheck:
    """Check a file of the given format (as sniffed); raises Unreadable."""
    if file_format == "CSV":
        decoded = _decoded_csv(raw)
        check = _check_csv(decoded, standard, progress)
        check.encoding, check.bom = decoded.encoding, decoded.bom
        return check
    if file_format == "XLSX":
        try:
            sheet = read_first_sheet(raw)
        except WorkbookRefused as error:
            raise Unreadable(str(error)) from None
        progress(20)
        return check_table(
            sheet.rows, "XLSX", standard=standard, formulas=sheet.formulas, progress=progress
        )
    # Imported here: those modules build on this one.
    if file_format in {"JSON", "GEOJSON"}:
        from jichitai.opendata.file_checks import check_json

        return check_json(raw, file_format)
    if file_format == "PDF":
        from jichitai.opendata.pdf_checks import check_pdf

        return check_pdf(raw)
    return FileCheck(file_format, Report([], 0))


def _decoded_csv(raw: bytes) -> Decoded:
    try:
        decoded = decode_table(raw)
    except EncodingError as error:
        raise Unreadable(str(error)) from None
    holds_nul = b"\x00" in decoded.utf8 if decoded.utf8 is not None else "\x00" in decoded.text
    if holds_nul:
        raise Unreadable(
            _(
                "表のテキストではないデータ（制御文字）が含まれています。"
                "CSV 形式か確かめてください。"
            )
        )
    return decoded


def _check_csv(decoded: Decoded, standard: StandardDataset | None, progress: Progress) -> FileCheck:
    """A CSV file's check. Where every line is one record (no quotes, as most files are),
    polars reads the body straight from the bytes, which for a million rows is several times
    faster than `csv`; the header is found among the first records either way, so the report
    is the same."""
    data = one_record_per_line(decoded)
    if data is not None:
        head = first_records(data, HEADER_SEARCH_ROWS)
        if _holds_a_cell(head):
            located = _locate_header(head, standard)
            width = len(located.schema.fields)
            table = unquoted_table(data, width, skip_lines=located.row + 1)
            if table is not None:
                progress(40)
                return _check_body(located, table, "CSV", standard=standard, progress=progress)
    rows = _csv_rows(decoded, progress)
    progress(20)
    return check_table(rows, "CSV", standard=standard, progress=progress)


def _csv_rows(decoded: Decoded, progress: Progress = _nothing) -> list[list[str]]:
    text = io.StringIO(decoded.text, newline="")
    rows: list[list[str]] = []
    try:
        # 5–20 % while reading, by the characters read so far, a chunk of rows at a time.
        for row in csv.reader(text):
            rows.append(row)
            if len(rows) % READ_CHUNK_ROWS == 0:
                progress(5 + 15 * text.tell() // max(len(decoded.text), 1))
    except csv.Error as error:
        raise Unreadable(_("CSV として読めません（%(reason)s）。") % {"reason": error}) from None
    return rows


def schema_for(labels: list[str], match: StandardMatch | None) -> TableSchema:
    """The file's columns with the rules of the matched standard's columns of the same name
    (whatever their order); columns the standard lacks, and every column when no standard
    matched, are plain text."""
    by_name = {normalise_label(f["name"]): f for f in match.layout.fields} if match else {}
    fields = []
    for number, label in enumerate(labels, 1):
        name = label or f"列{number}"
        rule = by_name.get(normalise_label(label))
        fields.append({**rule, "name": name} if rule else {"name": name, "type": "string"})
    descriptor: dict[str, Any] = {"fields": fields}
    if match and match.layout.primary_key and set(match.layout.primary_key) <= set(labels):
        descriptor["primaryKey"] = match.layout.primary_key
    try:
        return TableSchema.from_descriptor(descriptor)
    except SchemaError:
        # Duplicate labels: check the shape and the Japanese rules only.
        return TableSchema.from_descriptor(
            {"fields": [{"name": f"列{n}"} for n in range(1, len(labels) + 1)]}
        )


def _standard_columns(
    labels: list[str], match: StandardMatch | None
) -> tuple[frozenset[int], frozenset[int]]:
    """The columns (from 0) the matched standard defines, and those of them it types or
    constrains; the rest of its columns (備考, 説明 …) are free text, read for personal data."""
    if match is None:
        return frozenset(), frozenset()
    by_name = {normalise_label(f["name"]): f for f in match.layout.fields}
    standard, typed = set(), set()
    for number, label in enumerate(labels):
        rule = by_name.get(normalise_label(label))
        if rule is None:
            continue
        standard.add(number)
        if (
            rule.get("type", "string") != "string"
            or rule.get("format", "default") != "default"
            or rule.get("constraints")
        ):
            typed.add(number)
    return frozenset(standard), frozenset(typed)


@dataclass(frozen=True)
class _Header:
    """Where a table's header is, its labels, the standard they match and the schema."""

    row: int  # among the table's records, from 0
    labels: list[str]
    match: StandardMatch | None
    schema: TableSchema


def _holds_a_cell(rows: list[list[str]]) -> bool:
    return any(any(cell.strip() for cell in row) for row in rows)


def _locate_header(rows: list[list[str]], standard: StandardDataset | None) -> _Header:
    """The header among the first rows; with `standard`, matched against that one only."""
    first = find_header_row(rows)
    match = match_standard([label.strip() for label in rows[first]], only=standard)
    row = find_header_row(rows, match.layout.labels if match else ())
    labels = [label.strip() for label in rows[row]]
    return _Header(row, labels, match, schema_for(labels, match))


def check_table(
    rows: list[list[str]],
    file_format: str,
    *,
    standard: StandardDataset | None = None,
    formulas: list[Formula] = (),  # type: ignore[assignment]
    progress: Progress = _nothing,
) -> FileCheck:
    """Check a table's rows (header included, anywhere in the first lines). With `standard`
    (the data set declares it, or the command line names it) the file is checked against
    that standard: its missing required columns are errors, its missing optional ones
    warnings; without, a standard is matched from the header when one fits."""
    if not _holds_a_cell(rows):
        raise Unreadable(_("表が空です。"))
    located = _locate_header(rows, standard)
    progress(40)
    table = table_from_rows(rows[located.row + 1 :], len(located.schema.fields))
    return _check_body(
        located, table, file_format, standard=standard, formulas=formulas, progress=progress
    )


def _check_body(
    located: _Header,
    table: Table,
    file_format: str,
    *,
    standard: StandardDataset | None,
    formulas: list[Formula] = (),  # type: ignore[assignment]
    progress: Progress,
) -> FileCheck:
    """The checks of a table's records below its header: the schema, the standard's
    columns, the Japanese checks and personal data."""
    labels, match, schema = located.labels, located.match, located.schema
    repairs = japanese_checks.repair_municipality_codes(table.frame, labels)
    report = validate_table(
        labels,
        table,
        schema,
        limit_errors=None,
        # 40–80 % while validating, by the rows checked so far.
        progress=lambda done, total: progress(40 + 40 * done // max(total, 1)),
    )
    if standard is not None and match is not None:
        # The file is said to follow this standard: each required column it lacks is an
        # error (of the layout, current or older, its header follows best).
        missing = [
            Issue("missing-label", field_name=name, note="required")
            for name in missing_required_labels(labels, match.layout)
        ]
        report.issues = [*missing, *report.issues]
        report.error_count += len(missing)
    code_errors = japanese_checks.code_check_digit_errors(table.frame, labels)
    if code_errors:
        report.issues = sorted(
            [*report.issues, *code_errors],
            key=lambda i: (i.row_number or 0, PHASES.get(i.type, 9), i.field_number or 0),
        )
        report.error_count += len(code_errors)
    date_columns = [n for n, f in enumerate(schema.fields) if f.type == "date"]
    warnings: list[Issue] = [
        # A declared standard's optional columns the file lacks: said, but no bar to publishing.
        *(
            Issue("missing-label", field_name=name, note="optional")
            for name in (
                missing_optional_labels(labels, match.layout)
                if standard is not None and match is not None
                else ()
            )
        ),
        *japanese_checks.repair_issues(repairs, labels),
        *japanese_checks.swapped_coordinates(table.frame, labels),
        *japanese_checks.excel_serial_dates(table.frame, labels, date_columns),
        *_formula_issues(formulas, labels, located.row),
    ]
    # A sheet's formula kept as text (no saved result) is already reported above.
    sheet_formulas = {(i.row_number, i.field_number) for i in warnings if i.type == "xlsx-formula"}
    warnings += [
        issue
        for issue in japanese_checks.formula_cells(table.frame, labels)
        if (issue.row_number, issue.field_number) not in sheet_formulas
    ]
    standard_columns, typed_columns = _standard_columns(labels, match)
    findings = find_personal_data(
        table.frame, labels, standard_columns=standard_columns, typed_columns=typed_columns
    )
    progress(85)
    return FileCheck(
        file_format,
        report,
        warnings=warnings,
        findings=findings,
        match=match,
        rows=table.frame.rows(),
        frame=table.frame,
        schema=schema,
        numeric_columns=frozenset(
            n for n, f in enumerate(schema.fields) if f.type in NUMERIC_TYPES
        ),
    )


def _formula_issues(formulas: list[Formula], labels: list[str], header: int) -> list[Issue]:
    """A warning per formula cell of a sheet, numbered as the report numbers rows (the
    header is row 1)."""
    issues = []
    for formula in formulas:
        label = labels[formula.column - 1] if formula.column <= len(labels) else ""
        issues.append(
            Issue(
                "xlsx-formula",
                formula.row - header,
                label,
                formula.column,
                formula.formula,
                "" if formula.value == formula.formula else formula.value,
            )
        )
    return issues
