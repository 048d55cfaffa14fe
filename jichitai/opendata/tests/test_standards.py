"""The standard data sets' schemas: well formed, recognised from a file's header in either
layout, and the generated sample rows conform to them (here and in frictionless-py)."""

from __future__ import annotations

import csv
import io

import pytest
from frictionless import Resource, Schema, validate

from jichitai.opendata.standards import STANDARD_DATASETS, match_standard, standard_by_id
from jichitai.opendata.standards.catalogue import Layout
from jichitai.opendata.standards.samples import sample_rows
from jichitai.opendata.tabular.table_schema import TableSchema
from jichitai.opendata.tabular.validator import validate_csv

LAYOUTS = [
    pytest.param(standard, layout, id=f"{standard.id}-{layout.name}")
    for standard in STANDARD_DATASETS
    for layout in standard.layouts
]


def as_csv(layout: Layout, rows: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.labels)
    writer.writerows(sample_rows(layout, rows, title="サンプル"))
    return buffer.getvalue()


def test_at_least_eight_standard_data_sets() -> None:
    assert len(STANDARD_DATASETS) >= 8
    assert len({standard.id for standard in STANDARD_DATASETS}) == len(STANDARD_DATASETS)


@pytest.mark.parametrize(("standard", "layout"), LAYOUTS)
def test_layout_is_recognised_from_its_header(standard, layout) -> None:
    match = match_standard(layout.labels)
    assert match is not None
    assert (match.standard.id, match.layout.name) == (standard.id, layout.name)


@pytest.mark.parametrize(("standard", "layout"), LAYOUTS)
def test_samples_conform_to_the_layout(standard, layout) -> None:
    text = as_csv(layout, 30)
    ours = validate_csv(text, TableSchema.from_descriptor(layout.descriptor))
    assert ours.valid, [issue.message for issue in ours.issues[:5]]
    reference = validate(
        Resource(data=text.encode(), format="csv", schema=Schema.from_descriptor(layout.descriptor))
    )
    assert reference.valid, reference.flatten(["rowNumber", "fieldName", "type"])[:5]


def test_header_typed_with_half_width_kana_and_missing_columns_still_matches() -> None:
    layout = standard_by_id("aed-locations").legacy  # type: ignore[union-attr]
    labels = [label.replace("コード", "ｺｰﾄﾞ") for label in layout.labels[:-2]]
    match = match_standard(labels)
    assert match is not None and match.standard.id == "aed-locations"


def test_an_unrelated_header_matches_nothing() -> None:
    assert match_standard(["日付", "売上", "担当者"]) is None
