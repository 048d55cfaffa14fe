"""Standard data sets (自治体標準オープンデータセット): schemas, and matching a file to one."""

from __future__ import annotations

from dataclasses import dataclass

from jichitai.opendata.standards.catalogue import STANDARD_DATASETS, Layout, StandardDataset
from jichitai.opendata.tabular.headers import label_overlap

# A file is taken to follow a layout when this share of the layout's columns is present.
MATCH_THRESHOLD = 0.6


@dataclass(frozen=True)
class StandardMatch:
    standard: StandardDataset
    layout: Layout
    score: float


def standard_by_id(identifier: str) -> StandardDataset | None:
    return next((s for s in STANDARD_DATASETS if s.id == identifier), None)


def match_standard(labels: list[str], only: StandardDataset | None = None) -> StandardMatch | None:
    """The standard data set and layout whose columns the labels best cover, if any does.
    With `only`, the layout of that standard the labels follow best, however few match:
    the caller said which standard the file follows."""
    best: StandardMatch | None = None
    for standard in [only] if only else STANDARD_DATASETS:
        for layout in standard.layouts:
            # Both directions: most of the layout's columns present, and few strangers.
            score = min(label_overlap(labels, layout.labels), label_overlap(layout.labels, labels))
            if best is None or score > best.score:
                best = StandardMatch(standard, layout, score)
    if best is None or (best.score < MATCH_THRESHOLD and only is None):
        return None
    return best


__all__ = [
    "STANDARD_DATASETS",
    "StandardDataset",
    "StandardMatch",
    "match_standard",
    "standard_by_id",
]
