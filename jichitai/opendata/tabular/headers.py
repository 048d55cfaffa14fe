"""Finding the header row (見出し行) and matching its labels to a schema's field names.

Files often carry a title line or a blank line above the header, and labels typed with
half-width katakana (ｺｰﾄﾞ), full-width letters or stray spaces. Labels are compared after NFKC
normalisation with spaces removed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

HEADER_SEARCH_ROWS = 10


def normalise_label(label: str) -> str:
    return "".join(unicodedata.normalize("NFKC", label).split())


def label_overlap(labels: Iterable[str], expected: Iterable[str]) -> float:
    """Share of the expected names found among the labels (0–1)."""
    wanted = {normalise_label(name) for name in expected}
    if not wanted:
        return 0.0
    found = {normalise_label(label) for label in labels}
    return len(wanted & found) / len(wanted)


def find_header_row(rows: Sequence[Sequence[str]], expected: Iterable[str] = ()) -> int:
    """Index of the header among the first rows: the best match to the expected names, or,
    without any, the first row whose cells are all filled and distinct."""
    candidates = list(rows[:HEADER_SEARCH_ROWS])
    names = list(expected)
    if names:
        scores = [label_overlap(row, names) for row in candidates]
        best = max(range(len(candidates)), key=lambda i: (scores[i], -i), default=0)
        if candidates and scores[best] > 0:
            return best
    for index, row in enumerate(candidates):
        cells = [cell.strip() for cell in row]
        if len(cells) > 1 and all(cells) and len(set(cells)) == len(cells):
            return index
    return 0
