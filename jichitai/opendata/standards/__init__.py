"""Standard data sets (自治体標準オープンデータセット): schemas, and matching a file to one."""

from __future__ import annotations

from dataclasses import dataclass

from jichitai.opendata.standards.catalogue import STANDARD_DATASETS, Layout, StandardDataset
from jichitai.opendata.tabular.headers import label_overlap, normalise_label

# A file is taken to follow a layout when this share of the layout's columns is present.
MATCH_THRESHOLD = 0.6


@dataclass(frozen=True)
class StandardMatch:
    standard: StandardDataset
    layout: Layout
    score: float


def standard_by_id(identifier: str) -> StandardDataset | None:
    return next((s for s in STANDARD_DATASETS if s.id == identifier), None)


def standard_named(name: str) -> StandardDataset | None:
    """The standard data set a person named: by its id (aed-locations) or its Japanese title
    (AED設置箇所一覧, compared as labels are: NFKC, spaces ignored)."""
    name = name.strip()
    if not name:
        return None
    found = standard_by_id(name)
    if found is not None:
        return found
    wanted = normalise_label(name)
    return next((s for s in STANDARD_DATASETS if normalise_label(s.title) == wanted), None)


def missing_required_labels(labels: list[str], layout: Layout) -> list[str]:
    """The layout's required columns (constraints.required) that the labels lack, in the
    layout's order; labels are compared after normalisation, as when matching."""
    return _missing_labels(labels, layout, required=True)


def missing_optional_labels(labels: list[str], layout: Layout) -> list[str]:
    """The layout's other (optional) columns that the labels lack, in the layout's order."""
    return _missing_labels(labels, layout, required=False)


def _missing_labels(labels: list[str], layout: Layout, *, required: bool) -> list[str]:
    present = {normalise_label(label) for label in labels}
    return [
        f["name"]
        for f in layout.fields
        if bool(f.get("constraints", {}).get("required")) == required
        and normalise_label(f["name"]) not in present
    ]


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
    "missing_optional_labels",
    "missing_required_labels",
    "standard_by_id",
    "standard_named",
]
