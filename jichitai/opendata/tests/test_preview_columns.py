"""Which columns the map and chart previews pick, by the standard data sets' names."""

from __future__ import annotations

from typing import Any

from jichitai.opendata.datastore.columns import DatastoreField
from jichitai.opendata.previews.columns import chart_columns, normalized, place_columns
from jichitai.opendata.previews.places import places_from


def fields(*spec: tuple[str, str]) -> list[DatastoreField]:
    return [DatastoreField(id=name, type=kind, label=name) for name, kind in spec]


STANDARD = fields(
    ("全国地方公共団体コード", "text"),
    ("ID", "text"),
    ("名称", "text"),
    ("所在地_連結表記", "text"),
    ("緯度", "numeric"),
    ("経度", "numeric"),
    ("想定収容人数", "int"),
)


def test_names_fold_width_case_and_bracketed_notes() -> None:
    assert normalized("緯度（世界測地系）") == "緯度"
    assert normalized(" Latitude ") == "latitude"
    assert normalized("ＬＡＴ") == "lat"


def test_standard_place_columns() -> None:
    columns = place_columns(STANDARD)
    assert columns is not None
    assert (columns.latitude.id, columns.longitude.id) == ("緯度", "経度")
    assert columns.name and columns.name.id == "名称"
    assert columns.address and columns.address.id == "所在地_連結表記"
    assert columns.ids == ["名称", "所在地_連結表記", "緯度", "経度"]


def test_legacy_and_english_place_columns() -> None:
    legacy = place_columns(
        fields(
            ("NO", "text"),
            ("名称", "text"),
            ("住所", "text"),
            ("緯度", "numeric"),
            ("経度", "numeric"),
        )
    )
    assert legacy and legacy.address and legacy.address.id == "住所"
    english = place_columns(fields(("Facility", "text"), ("LAT", "numeric"), ("lng", "numeric")))
    assert english is not None
    assert (english.latitude.id, english.longitude.id) == ("LAT", "lng")
    # No name column by its name: the first text column names the place.
    assert english.name and english.name.id == "Facility" and english.address is None


def test_no_map_without_both_coordinates() -> None:
    assert place_columns(fields(("名称", "text"), ("緯度", "numeric"))) is None
    assert place_columns(fields(("名称", "text"), ("総人口", "int"))) is None


def test_places_skip_rows_without_usable_coordinates() -> None:
    columns = place_columns(STANDARD)
    assert columns is not None
    records: list[dict[str, Any]] = [
        {
            "名称": "蒲田小学校",
            "所在地_連結表記": "東京都大田区蒲田",
            "緯度": 35.56,
            "経度": 139.71,
        },
        {"名称": "座標なし", "所在地_連結表記": "", "緯度": None, "経度": 139.7},
        {"名称": "範囲外", "所在地_連結表記": "", "緯度": 135.7, "経度": 35.5},
        {"名称": None, "所在地_連結表記": None, "緯度": "35.5", "経度": "139.7"},
    ]
    places = places_from(records, columns)
    assert [(p.row, p.name, p.latitude) for p in places] == [
        (1, "蒲田小学校", 35.56),
        (4, "", 35.5),
    ]
    assert places[0].address == "東京都大田区蒲田"


def test_chart_values_leave_out_coordinates_years_and_codes() -> None:
    columns = chart_columns(
        fields(
            ("年度", "int"),
            ("地域コード", "int"),
            ("地域名", "text"),
            ("総人口", "int"),
            ("面積", "numeric"),
            ("緯度", "numeric"),
            ("経度", "numeric"),
        )
    )
    assert columns is not None
    assert [f.id for f in columns.values] == ["総人口", "面積"]
    # A year first (a trend), then the area's name, then what is left.
    assert [f.id for f in columns.labels] == ["年度", "地域名", "地域コード"]


def test_population_labels_by_area_name_first() -> None:
    columns = chart_columns(
        fields(
            ("都道府県名", "text"),
            ("市区町村名", "text"),
            ("調査年月日", "date"),
            ("地域名", "text"),
            ("総人口", "int"),
            ("男性", "int"),
        )
    )
    assert columns is not None
    assert columns.labels[0].id == "地域名"
    assert [f.id for f in columns.values] == ["総人口", "男性"]


def test_no_chart_without_numbers() -> None:
    assert chart_columns(fields(("名称", "text"), ("年度", "int"))) is None
    assert chart_columns(STANDARD[:4]) is None
