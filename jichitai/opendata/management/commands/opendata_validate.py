"""`manage.py opendata_validate FILE [--schema ID] [--json]`: check a file as an upload is checked.

The same checks as the upload task (`opendata.checking.check_bytes`): encoding, header row,
the standard data set (matched automatically unless `--schema` names one, by id or Japanese
title; a named standard's required columns must be in the file), Table Schema,
Japanese checks, personal data. Prints the report, as JSON with `--json`. Exit status: 0 when
the file has no errors, 1 when it has errors, 2 when it cannot be read at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from jichitai.core.errors import DomainError
from jichitai.opendata.checking import FileCheck, Unreadable, check_bytes
from jichitai.opendata.sniffing import SNIFF_BYTES, sniff
from jichitai.opendata.standards import STANDARD_DATASETS, standard_named
from jichitai.opendata.tabular.report import Issue

ERRORS_FOUND = 1
UNREADABLE = 2


class Command(BaseCommand):
    help = "Validate an open data file (CSV, XLSX, JSON, GeoJSON, PDF) and print the report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file to check")
        parser.add_argument(
            "--schema",
            help="the standard data set the file must follow, by id or Japanese title: its "
            "required columns missing from the file are errors (default: matched from the "
            "header, without that check); one of "
            + ", ".join(f"{s.id} ({s.title})" for s in STANDARD_DATASETS),
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--language", default="ja", help="messages' language (ja or en)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        standard = None
        if options["schema"]:
            standard = standard_named(options["schema"])
            if standard is None:
                raise CommandError(f"unknown schema {options['schema']!r}", returncode=UNREADABLE)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}", returncode=2) from None
        with translation.override(options["language"]):
            try:
                file_format = sniff(raw[:SNIFF_BYTES]).format
                check = check_bytes(raw, file_format, standard=standard)
            except (DomainError, Unreadable) as error:
                message = error.message if isinstance(error, DomainError) else str(error)
                self._unreadable(path, message, as_json=options["json"])
                raise SystemExit(UNREADABLE) from None
            report = report_dict(path, check)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print_text(report)
        if check.report.error_count:
            raise SystemExit(ERRORS_FOUND)

    def _unreadable(self, path: Path, message: str, *, as_json: bool) -> None:
        if as_json:
            body = {"file": str(path), "valid": False, "readable": False, "message": message}
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
        else:
            self.stderr.write(f"{path}: {message}")

    def _print_text(self, report: dict[str, Any]) -> None:
        standard = report["standard"]
        self.stdout.write(f"{report['file']}: {report['format']} {report['encoding']}".rstrip())
        if standard:
            self.stdout.write(
                f"standard: {standard['id']} ({standard['layout']}) {standard['title']}"
            )
        self.stdout.write(
            f"rows: {report['rows']}  columns: {len(report['columns'])}  "
            f"errors: {report['error_count']}  warnings: {report['warning_count']}"
        )
        for kind in ("errors", "warnings"):
            for issue in report[kind]:
                where = f"row {issue['row'] or '-'}, column {issue['column_number'] or '-'}"
                label = f" ({issue['column']})" if issue["column"] else ""
                self.stdout.write(
                    f"{kind[:-1]}: {where}{label}: {issue['code']}: {issue['message']}"
                )
        for finding in report["personal_data"]:
            rows = ", ".join(map(str, finding["rows"]))
            self.stdout.write(
                f"personal data: {finding['column']}: {finding['message']} (rows {rows})"
            )
        self.stdout.write("valid" if report["valid"] else "invalid")


def _issue(issue: Issue) -> dict[str, Any]:
    return {
        "row": issue.row_number,
        "column": issue.field_name or "",
        "column_number": issue.field_number,
        "code": issue.type,
        "message": issue.message,
        "cell": issue.cell,
        "note": issue.note,
    }


def report_dict(path: Path, check: FileCheck) -> dict[str, Any]:
    """The report as plain data: what `--json` prints."""
    report = check.report
    match = check.match
    return {
        "file": str(path),
        "format": check.format,
        "encoding": check.encoding,
        "standard": (
            {"id": match.standard.id, "title": match.standard.title, "layout": match.layout.name}
            if match
            else None
        ),
        "valid": report.valid,
        "rows": report.row_count,
        "columns": report.labels,
        "error_count": report.error_count,
        "errors": [_issue(issue) for issue in report.issues],
        "warning_count": check.warning_count,
        "warnings": [_issue(issue) for issue in check.warnings],
        "personal_data": [
            {
                "column": finding.label,
                "reason": finding.reason,
                "message": finding.message,
                "rows": list(finding.rows),
                "count": finding.count,
            }
            for finding in check.findings
        ],
        "page_count": check.page_count,
    }
