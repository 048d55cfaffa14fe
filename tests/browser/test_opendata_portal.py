"""People find and download open data by keyboard, with and without JavaScript; axe-clean."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Locator, Page, Route, expect

from jichitai.opendata.models import Group
from jichitai.opendata.services.catalogue import create_dataset
from jichitai.opendata.services.uploads import check_file, publish_file, receive_upload
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


SHELTERS = (
    "名称,所在地,緯度,経度,想定収容人数\r\n"
    "大田区立蒲田小学校,東京都大田区蒲田一丁目,35.5625,139.7161,800\r\n"
    "大田区立大森第一中学校,東京都大田区大森北,35.5880,139.7290,1200\r\n"
    "大田区立田園調布小学校,東京都大田区田園調布,35.5960,139.6680,600\r\n"
)
TILE_HOST = "cyberjapandata.gsi.go.jp"


def empty_tile() -> bytes:
    """A 1×1 transparent PNG: a tile that draws nothing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 1×1, 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
        + chunk(b"IEND", b"")
    )


class Network:
    """Keeps the browser on the test server: map tiles are answered here (an empty tile,
    or a 404 to play a tile server that is down); anything else outside is refused and
    remembered, so the test can say nothing left the machine."""

    def __init__(self, page: Page, live_server: Any, *, tiles_up: bool = True) -> None:
        self.local = urlsplit(live_server.url).netloc
        self.tiles = 0
        self.outside: list[str] = []
        self.tiles_up = tiles_up
        page.context.route("**/*", self.answer)

    def answer(self, route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.netloc == self.local:
            route.continue_()
        elif url.netloc == TILE_HOST:
            self.tiles += 1
            if self.tiles_up:
                route.fulfill(status=200, content_type="image/png", body=empty_tile())
            else:
                route.fulfill(status=404, body=b"")
        else:
            self.outside.append(route.request.url)
            route.abort()


@pytest.fixture
def portal(departments: dict[str, Any], make_staff: Any) -> None:
    clerk = make_staff("clerk")
    clerk.is_verified = lambda: True
    bosai = Group.objects.create(name="bosai", title="防災")
    shelters = create_dataset(
        departments["koseki"],
        name="evacuation-sites",
        title="指定緊急避難場所一覧",
        state="active",
        tags=["避難・防災"],
        groups=[bosai],
        resources=[{"name": "避難場所（CSV）"}],
    )
    create_dataset(
        departments["kazei"], name="population", title="地域・年齢別人口", state="active"
    )
    create_dataset(
        departments["kazei"], name="evacuation-drills", title="避難訓練の実施回数", state="active"
    )
    resource = shelters.resources.get()
    stored = receive_upload(clerk, resource, SimpleUploadedFile("s.csv", SHELTERS.encode()))
    # Publishing loads the datastore on commit (the test settings run tasks at once).
    publish_file(clerk, check_file(stored.pk))
    resource.refresh_from_db()
    assert resource.datastore_active


def press(page: Page, locator: Locator, key: str = "Enter") -> None:
    # On a page still loading, a key can land before the page's scripts have set it up
    # (seen in CI: the chart's data table pressed open, then closed again).
    page.wait_for_load_state()
    locator.focus()
    page.keyboard.press(key)


@pytest.mark.parametrize("javascript", [True, False])
def test_find_preview_map_chart_and_download_by_keyboard(
    page: Page, page_without_js: Page, live_server: Any, portal: None, javascript: bool
) -> None:
    current = page if javascript else page_without_js
    network = Network(current, live_server)
    current.goto("/")
    press(current, current.get_by_role("link", name="オープンデータ"))
    current.get_by_label("キーワード").fill("避難")
    current.keyboard.press("Enter")
    expect(current.locator("#results h3")).to_have_count(2)
    assert axe_violations(current) == []
    press(current, current.get_by_role("link", name="防災", exact=True))
    expect(current.get_by_role("link", name="防災（解除）")).to_be_visible()
    expect(current.locator("#results h3")).to_have_count(1)
    press(current, current.locator("#results").get_by_role("link", name="指定緊急避難場所一覧"))
    expect(current.get_by_role("heading", level=1)).to_have_text("指定緊急避難場所一覧")

    # The table preview, from the datastore.
    expect(current.get_by_role("table", name="先頭の行（プレビュー）")).to_contain_text(
        "大田区立蒲田小学校"
    )

    # The map: with JavaScript, markers over (empty, local) tiles; without, the table of places.
    places = current.get_by_role("table", name="地点の一覧")
    map_region = current.get_by_role("region", name="避難場所（CSV） の地図")
    if javascript:
        expect(map_region).to_be_visible()
        expect(current.locator(".leaflet-marker-icon")).to_have_count(3)
        expect(places).to_be_hidden()  # folded under its summary, one keypress away
        # Keyboard only: from the map, Tab reaches a marker; Enter opens its popup.
        press(current, map_region, "Tab")
        focused = current.evaluate("document.activeElement.getAttribute('alt')")
        assert focused in {"大田区立蒲田小学校", "大田区立大森第一中学校", "大田区立田園調布小学校"}
        current.keyboard.press("Enter")
        expect(current.locator(".leaflet-popup-content")).to_contain_text(focused)
        assert axe_violations(current) == []
        press(current, current.get_by_text("地点の一覧（表）", exact=True))
        expect(places).to_be_visible()
        assert network.tiles > 0
    else:
        expect(map_region).to_be_hidden()
        expect(places).to_be_visible()
        assert network.tiles == 0
    expect(places).to_contain_text("東京都大田区大森北")
    expect(places).to_contain_text("35.588")

    # The chart: an SVG image with a name, its data a table; the choice is a plain GET form.
    chart = current.get_by_role("img", name="名称 ごとの 想定収容人数")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(3)
    current.get_by_label("グラフの種類").select_option("line")
    current.get_by_label("項目名の列").select_option("所在地")
    press(current, current.get_by_role("button", name="グラフを表示する"))
    line = current.get_by_role("img", name="所在地 ごとの 想定収容人数")
    expect(line).to_be_visible()
    expect(line.locator("polyline")).to_have_count(1)
    assert "chart1-kind=line" in current.url
    press(current, current.get_by_text("グラフのデータを表で見る", exact=True))
    data = current.get_by_role("table", name="所在地 ごとの 想定収容人数")
    expect(data).to_contain_text("1,200")
    assert axe_violations(current) == []

    with current.expect_download() as download:
        press(current, current.get_by_role("link", name="CSV をダウンロード"))
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and "大田区立蒲田小学校".encode() in content
    assert network.outside == []


def test_map_falls_back_to_its_table_when_tiles_fail(
    page: Page, live_server: Any, portal: None
) -> None:
    network = Network(page, live_server, tiles_up=False)
    page.goto("/data/evacuation-sites/")
    expect(page.get_by_role("status")).to_have_text(
        "地図の画像を読み込めませんでした。地点は下の表でご覧いただけます。"
    )
    expect(page.get_by_role("region", name="避難場所（CSV） の地図")).to_be_hidden()
    expect(page.get_by_role("table", name="地点の一覧")).to_contain_text("大田区立蒲田小学校")
    assert network.tiles > 0 and network.outside == []
    assert axe_violations(page) == []


def test_staff_upload_a_table_by_keyboard_and_read_its_report(
    page: Page, departments: dict[str, Any], make_staff: Any, tmp_path: Path
) -> None:
    from conftest import TEST_PASSWORD
    from tests.browser.conftest import sign_in_staff

    dataset = create_dataset(
        departments["koseki"], name="toilets", title="公衆トイレ一覧", state="active"
    )
    resource = dataset.resources.create(name="トイレ一覧（CSV）")
    table = tmp_path / "toilets.csv"
    table.write_text("名称,担当者氏名\r\n蒲田駅前公衆トイレ,山田 太郎\r\n", encoding="cp932")
    sign_in_staff(page, make_staff("clerk"), TEST_PASSWORD)
    page.goto("/staff/data/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="公衆トイレ一覧").focus()
    page.keyboard.press("Enter")
    page.locator(f"#upload-{resource.pk}-file").set_input_files(str(table))
    page.get_by_role("button", name="アップロードして確認する").focus()
    page.keyboard.press("Enter")
    # The check runs on commit here; with a worker, htmx polls until it is done.
    expect(page.get_by_text("個人情報の確認が必要")).to_be_visible()
    expect(page.get_by_text("担当者氏名：列名が個人の情報を示しています")).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False])
def test_page_through_a_whole_table_by_keyboard(
    page: Page,
    page_without_js: Page,
    departments: dict[str, Any],
    make_staff: Any,
    javascript: bool,
) -> None:
    clerk = make_staff("clerk")
    clerk.is_verified = lambda: True
    dataset = create_dataset(
        departments["koseki"],
        name="toilets",
        title="公衆トイレ一覧",
        state="active",
        resources=[{"name": "トイレ一覧（CSV）"}],
    )
    rows = "".join(f"公衆トイレ{n:03d},{n}\r\n" for n in range(1, 61))
    content = f"名称,番号\r\n{rows}".encode("cp932")
    stored = receive_upload(clerk, dataset.resources.get(), SimpleUploadedFile("t.csv", content))
    publish_file(clerk, check_file(stored.pk))  # loaded into the datastore on commit
    current = page if javascript else page_without_js
    current.goto("/data/toilets/")
    current.get_by_role("link", name="トイレ一覧（CSV） のすべての行を見る").focus()
    current.keyboard.press("Enter")
    expect(current.get_by_role("heading", level=1)).to_have_text("トイレ一覧（CSV）")
    table = current.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("1〜50 行目")
    expect(table).to_contain_text("公衆トイレ050")
    assert axe_violations(current) == []
    current.get_by_role("link", name="次へ").focus()
    current.keyboard.press("Enter")
    expect(current.get_by_role("table")).to_contain_text("公衆トイレ060")
    expect(current.get_by_role("table")).not_to_contain_text("公衆トイレ050")
    assert axe_violations(current) == []
