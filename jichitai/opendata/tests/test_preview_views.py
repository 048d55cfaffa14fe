"""The map and chart previews on a data set's page, read from the datastore."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from jichitai.opendata.models import Dataset, Resource
from jichitai.opendata.services.datastore import load_published_file
from jichitai.opendata.services.uploads import check_file, publish_file, receive_upload

pytestmark = pytest.mark.django_db

SHELTERS = (
    "名称,所在地,緯度,経度,想定収容人数\r\n"
    "大田区立蒲田小学校,東京都大田区蒲田一丁目,35.5625,139.7161,800\r\n"
    "<b>大森第一中学校</b>,東京都大田区大森北,35.5880,139.7290,1200\r\n"
    "座標のない施設,東京都大田区,,,300\r\n"
)


def publish(clerk: Any, dataset: Dataset, content: str, name: str = "表（CSV）") -> Resource:
    resource = dataset.resources.create(name=name)
    stored = receive_upload(clerk, resource, SimpleUploadedFile("t.csv", content.encode()))
    publish_file(clerk, check_file(stored.pk))
    load_published_file(stored.pk)  # the task publishing enqueues on commit
    resource.refresh_from_db()
    assert resource.datastore_active
    return resource


@pytest.fixture
def shelters(catalogue: dict[str, Dataset], verified_staff: Any) -> Resource:
    return publish(verified_staff("clerk"), catalogue["toilets"], SHELTERS)


def test_map_baseline_is_a_table_of_the_places(client: Any, shelters: Resource) -> None:
    response = client.get("/data/toilets/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "位置のわかる 2 地点を表示しています。" in page
    assert 'data-lat="35.5625" data-lon="139.7161"' in page
    assert (
        '<th scope="row">大田区立蒲田小学校</th><td data-address>東京都大田区蒲田一丁目</td>'
        in page
    )
    assert "&lt;b&gt;大森第一中学校&lt;/b&gt;" in page and "<b>大森" not in page
    assert "座標のない施設</th>" not in page.split('id="places-')[1].split("</details>")[0]
    # The map is an enhancement: its container starts hidden, with the tile settings.
    assert 'data-tile-url="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"' in page
    assert 'data-attribution="地理院タイル"' in page
    assert "dist/leaflet/leaflet.js" in page and "src/js/map-preview.js" in page
    assert "https://cyberjapandata.gsi.go.jp" in response["Content-Security-Policy"]
    assert "<script>" not in page and " style=" not in page


@override_settings(JICHITAI_MAP_TILE_URL="")
def test_without_a_tile_server_the_places_stay_a_table(client: Any, shelters: Resource) -> None:
    page = client.get("/data/toilets/").content.decode()
    assert "大田区立蒲田小学校</th>" in page
    assert "data-map-preview" not in page and "leaflet.js" not in page


def test_chart_draws_the_first_numeric_column_by_name(client: Any, shelters: Resource) -> None:
    page = client.get("/data/toilets/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "aria-labelledby=" in svg
    assert "名称 ごとの 想定収容人数</title>" in svg
    assert "3 項目の棒グラフ（大田区立蒲田小学校 から 座標のない施設 まで）" in svg
    assert len(re.findall(r"<rect ", svg)) == 3
    assert ">1,200</text>" in svg or ">1,200<" in page  # the tick or the data table
    assert '<td class="numeric">800</td>' in page
    assert 'name="chart1-value"' in page and 'name="chart1-kind"' in page


def test_chart_choice_by_plain_get(client: Any, shelters: Resource) -> None:
    response = client.get(
        "/data/toilets/",
        {"chart1-value": "想定収容人数", "chart1-label": "所在地", "chart1-kind": "line"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "所在地 ごとの 想定収容人数</title>" in page
    assert "<polyline" in page and "<rect " not in page
    assert '<option value="line" selected>' in page


@pytest.mark.parametrize(
    "query",
    [
        {"chart1-value": "名称"},
        {"chart1-label": "想定収容人数"},
        {"chart1-value": "存在しない列", "chart1-label": "所在地", "chart1-kind": "bar"},
        {"chart1-value": "想定収容人数", "chart1-label": "名称", "chart1-kind": "pie"},
        {"chart1-value": "想" * 10_000},
        {"chart1-value": "緯度"},  # a coordinate is not a value to chart
        {"chart1-label": "'; DROP TABLE opendata_resource; --"},
    ],
)
def test_bad_chart_choice_is_a_clear_400_with_the_default_chart(
    client: Any, shelters: Resource, query: dict[str, str]
) -> None:
    response = client.get("/data/toilets/", query)
    page = response.content.decode()
    assert response.status_code == 400
    assert "field--error" in page and "<title>エラー：公衆トイレ一覧" in page
    assert "名称 ごとの 想定収容人数</title>" in page  # still the default chart


def test_tables_without_coordinates_or_numbers_have_neither(
    client: Any, catalogue: dict[str, Dataset], verified_staff: Any
) -> None:
    publish(verified_staff("clerk"), catalogue["toilets"], "名称,所在地\r\n公衆トイレ,蒲田\r\n")
    page = client.get("/data/toilets/").content.decode()
    assert "公衆トイレ" in page
    assert "地図で見る" not in page and "グラフで見る" not in page and "leaflet" not in page


def test_two_tables_keep_their_own_chart_choices(
    client: Any, shelters: Resource, catalogue: dict[str, Dataset], verified_staff: Any
) -> None:
    publish(
        verified_staff("clerk"),
        catalogue["toilets"],
        "年度,利用者数\r\n2023,10\r\n2024,12\r\n",
        name="利用者数（CSV）",
    )
    page = client.get("/data/toilets/", {"chart2-kind": "line"}).content.decode()
    assert page.count("<svg") == 2
    assert "年度 ごとの 利用者数</title>" in page and page.count("<polyline") == 1


def test_many_rows_are_capped_and_said_so(
    client: Any, catalogue: dict[str, Dataset], verified_staff: Any, settings: Any
) -> None:
    rows = "".join(f"地点{n},35.{n:04d},139.7,{n}\r\n" for n in range(1, 61))
    publish(verified_staff("clerk"), catalogue["toilets"], "名称,緯度,経度,台数\r\n" + rows)
    page = client.get("/data/toilets/").content.decode()
    assert "全 60 行のうち先頭の 50 行を表示しています。" in page
    assert "位置のわかる 60 地点を表示しています。" in page


def test_previews_read_their_rows_once_and_count_nothing(
    client: Any, shelters: Resource, django_assert_num_queries: Any
) -> None:
    # The data set, its tags, groups and resources (with their tables), the municipality;
    # then one read each for the chart, the table preview and the map; the row count comes
    # from the table's metadata, never a COUNT over its rows.
    with django_assert_num_queries(8) as captured:
        client.get("/data/toilets/")
    statements = [query["sql"].upper() for query in captured.captured_queries]
    assert len([sql for sql in statements if str(shelters.pk).upper() in sql]) == 3
    assert not [sql for sql in statements if "COUNT(" in sql]


def test_resources_not_in_the_datastore_have_no_previews(client: Any, catalogue: Any) -> None:
    page = client.get("/data/population/").content.decode()  # links to files elsewhere
    assert "人口CSV" in page
    assert "地図で見る" not in page and "グラフで見る" not in page
