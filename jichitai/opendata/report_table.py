"""A file's check report as the staff page shows it: the first errors and warnings as a
numbered list, and the first rows holding them as a table whose bad cells are marked and
linked to their entry in the list (marked with text and a symbol, never colour alone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jichitai.opendata.models import ResourceFile


@dataclass
class Entry:
    kind: str  # error or warning
    number: int  # within its kind, from 1
    issue: dict[str, Any]
    anchor: str
    listed: bool  # shown in the list (else its message is shown in the cell)


@dataclass
class Cell:
    value: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "error" if any(e.kind == "error" for e in self.entries) else "warning"


@dataclass
class Row:
    number: int
    cells: list[Cell]
    entries: list[Entry]  # about the whole row (blank, duplicate key) or cells past its end


@dataclass
class ReportView:
    errors: list[Entry]
    warnings: list[Entry]
    rows: list[Row]


def report_view(stored: ResourceFile, shown: int) -> ReportView:
    entries = {
        kind: [
            Entry(kind, n, issue, f"issue-{stored.pk}-{kind}-{n}", n <= shown)
            for n, issue in enumerate(issues, 1)
        ]
        for kind, issues in (("error", stored.issues), ("warning", stored.warnings))
    }
    by_row: dict[int, list[Entry]] = {}
    for entry in [*entries["error"], *entries["warning"]]:
        if entry.issue.get("row_number") is not None:
            by_row.setdefault(entry.issue["row_number"], []).append(entry)
    rows = []
    for kept in stored.report_rows:
        cells = [Cell(value) for value in kept["cells"]]
        whole_row = []
        for entry in by_row.get(kept["row"], []):
            column = entry.issue.get("field_number")
            if column is not None and 1 <= column <= len(cells):
                cells[column - 1].entries.append(entry)
            else:
                whole_row.append(entry)
        rows.append(Row(kept["row"], cells, whole_row))
    return ReportView(
        [e for e in entries["error"] if e.listed],
        [e for e in entries["warning"] if e.listed],
        rows,
    )
