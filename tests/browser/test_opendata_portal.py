"""People find and download open data by keyboard, with and without JavaScript; axe-clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from jichitai.opendata.models import Group
from jichitai.opendata.services.catalogue import create_dataset
from jichitai.opendata.services.uploads import check_file, publish_file, receive_upload
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


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
    content = "名称,想定収容人数\r\n大田区立蒲田小学校,800\r\n".encode()
    stored = receive_upload(clerk, shelters.resources.get(), SimpleUploadedFile("s.csv", content))
    publish_file(clerk, check_file(stored.pk))


@pytest.mark.parametrize("javascript", [True, False])
def test_find_preview_and_download_by_keyboard(
    page: Page, page_without_js: Page, portal: None, javascript: bool
) -> None:
    current = page if javascript else page_without_js
    current.goto("/")
    current.get_by_role("link", name="オープンデータ").focus()
    current.keyboard.press("Enter")
    current.get_by_label("キーワード").fill("避難")
    current.keyboard.press("Enter")
    expect(current.locator("#results h3")).to_have_count(1)
    if javascript:  # axe runs in the page, so only where scripts run
        assert axe_violations(current) == []
    current.get_by_role("link", name="防災", exact=True).focus()
    current.keyboard.press("Enter")
    expect(current.get_by_role("link", name="防災（解除）")).to_be_visible()
    current.locator("#results").get_by_role("link", name="指定緊急避難場所一覧").focus()
    current.keyboard.press("Enter")
    expect(current.get_by_role("heading", level=1)).to_have_text("指定緊急避難場所一覧")
    expect(current.get_by_role("table", name="先頭の行（プレビュー）")).to_contain_text(
        "大田区立蒲田小学校"
    )
    if javascript:
        assert axe_violations(current) == []
    with current.expect_download() as download:
        current.get_by_role("link", name="CSV をダウンロード").focus()
        current.keyboard.press("Enter")
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and "大田区立蒲田小学校".encode() in content


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
    if javascript:
        assert axe_violations(current) == []
    current.get_by_role("link", name="次へ").focus()
    current.keyboard.press("Enter")
    expect(current.get_by_role("table")).to_contain_text("公衆トイレ060")
    expect(current.get_by_role("table")).not_to_contain_text("公衆トイレ050")
    if javascript:
        assert axe_violations(current) == []
