"""JSON parsed with limits; GeoJSON's structure and coordinates reported feature by feature;
PDFs refused when encrypted or carrying anything that runs."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from jichitai.opendata import file_checks
from jichitai.opendata.checking import Unreadable, check_bytes

OTA = [139.716, 35.561]  # 大田区役所, as GeoJSON orders it: longitude, latitude


def collection(*geometries: object) -> bytes:
    features = [
        {"type": "Feature", "properties": {"名称": f"施設{n}"}, "geometry": geometry}
        for n, geometry in enumerate(geometries, 1)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def found(check) -> list[tuple[str, int | None, str | None]]:  # type: ignore[no-untyped-def]
    return [(i.type, i.row_number, i.cell) for i in check.report.issues]


def test_a_valid_feature_collection_passes_with_its_properties_as_columns():
    square = [[139.7, 35.5], [139.8, 35.5], [139.8, 35.6], [139.7, 35.5]]
    raw = collection(
        {"type": "Point", "coordinates": OTA},
        {"type": "Polygon", "coordinates": [square]},
        {"type": "MultiLineString", "coordinates": [[OTA, [139.72, 35.57, 10.5]]]},
        None,
    )
    check = check_bytes(raw, "GEOJSON")
    assert check.report.valid and check.report.row_count == 4
    assert check.report.labels == ["名称"]


def test_swapped_and_foreign_coordinates_are_errors_by_feature():
    raw = collection(
        {"type": "Point", "coordinates": OTA},
        {"type": "Point", "coordinates": [35.561, 139.716]},
        {"type": "LineString", "coordinates": [OTA, [2.35, 48.85]]},
    )
    check = check_bytes(raw, "GEOJSON")
    assert found(check) == [
        ("geojson-swapped", 2, "[35.561, 139.716]"),
        ("geojson-outside-japan", 3, "[2.35, 48.85]"),
    ]
    assert "緯度と経度が逆" in check.report.issues[0].message
    assert check.report.issues[1].message.startswith("3 番目の地物の座標")


@pytest.mark.parametrize(
    ("geometry", "kind"),
    [
        ({"type": "Circle", "coordinates": OTA}, "geojson-geometry-type"),
        ({"type": "Point", "coordinates": [OTA]}, "geojson-coordinates"),
        ({"type": "Point", "coordinates": ["139", "35"]}, "geojson-coordinates"),
        ({"type": "Point", "coordinates": [True, 35.5]}, "geojson-coordinates"),
        ({"type": "Point", "coordinates": [139.7]}, "geojson-coordinates"),
        ({"type": "Polygon", "coordinates": [[OTA, [139.8, 35.6], OTA]]}, "geojson-ring"),
        ({"type": "MultiPolygon", "coordinates": OTA}, "geojson-coordinates"),
        ({"type": "GeometryCollection"}, "geojson-coordinates"),
        ("POINT(139 35)", "geojson-geometry-type"),
    ],
)
def test_malformed_geometries_are_reported_not_crashed_on(geometry, kind):
    check = check_bytes(collection(geometry), "GEOJSON")
    assert [(i.type, i.row_number) for i in check.report.issues] == [(kind, 1)]
    assert check.report.issues[0].message != kind  # a sentence, not a code


@pytest.mark.parametrize(
    ("document", "note"),
    [
        ({"type": "Feature", "geometry": None}, "not-feature-collection"),
        ([1, 2], "not-feature-collection"),
        ({"type": "FeatureCollection", "features": {}}, "features-not-list"),
        ({"type": "FeatureCollection", "features": [1]}, "not-feature"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature"}]}, "geometry-missing"),
    ],
)
def test_the_structure_must_be_a_feature_collection_of_features(document, note):
    check = check_bytes(json.dumps(document).encode(), "GEOJSON")
    assert [i.note for i in check.report.issues] == [note]
    assert not check.report.valid


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"a": [1, 2,', "JSON として読めません（1 行"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": ' + b"9" * 5000 + b"}", "桁数"),
        (b"[" * 100_000 + b"]" * 100_000, "入れ子が深すぎます"),
        (b"[" * 70 + b"]" * 70, "入れ子が深すぎます"),
        ('{"名称": "区役所"}'.encode("cp932"), "UTF-8"),
    ],
)
def test_hostile_json_is_unreadable_with_a_reason(raw, reason):
    with pytest.raises(Unreadable, match=reason):
        check_bytes(raw, "JSON")


def test_json_over_the_size_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(file_checks, "MAX_JSON_BYTES", 10)
    with pytest.raises(Unreadable, match="大きすぎます"):
        check_bytes(b'{"a": "0123456789"}', "JSON")


def test_geojson_recognised_only_past_the_sniffed_bytes_is_checked_as_geojson():
    document = {
        "name": "x" * 5000,
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [35.5, 139.7]},
            }
        ],
    }
    check = check_bytes(json.dumps(document).encode(), "JSON")
    assert check.format == "GEOJSON"
    assert [i.type for i in check.report.issues] == ["geojson-swapped"]


def test_plain_json_with_a_bom_is_read():
    check = check_bytes('\ufeff[{"名称": "区役所"}]'.encode(), "JSON")
    assert check.report.valid and check.report.row_count == 1


def pdf(change=None) -> bytes:  # type: ignore[no-untyped-def]
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_plain_pdf_passes_with_its_page_count():
    check = check_bytes(pdf(), "PDF")
    assert check.report.valid and check.page_count == 2


def open_action(kind: str, key: str, value: str):  # type: ignore[no-untyped-def]
    def change(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {NameObject("/S"): NameObject(kind), NameObject(key): TextStringObject(value)}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return change


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        (open_action("/JavaScript", "/JS", "app.alert('x');"), "pdf-javascript"),
        (lambda w: w.add_attachment("payload.exe", b"MZ..."), "pdf-embedded-file"),
        (open_action("/Launch", "/F", "calc.exe"), "pdf-launch"),
        (lambda w: w.encrypt("secret"), "pdf-encrypted"),
        (lambda w: w.encrypt("", "owner"), "pdf-encrypted"),
    ],
)
def test_active_or_hidden_content_blocks_publication(change, kind):
    check = check_bytes(pdf(change), "PDF")
    assert [i.type for i in check.report.issues] == [kind]
    assert not check.report.valid
    assert "PDF" in check.report.issues[0].message


@pytest.mark.parametrize(
    "raw", [b"%PDF-1.7\n%sample\n", b"%PDF-1.4\n" + b"\x00\xff" * 100, pdf()[:200]]
)
def test_a_broken_pdf_is_unreadable_with_a_reason(raw):
    with pytest.raises(Unreadable, match="PDF として読めません"):
        check_bytes(raw, "PDF")
