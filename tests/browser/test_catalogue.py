"""Residents find procedures: search as they type with JavaScript, by submitting without."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_updates_results_in_place(page: Page, catalogue) -> None:
    page.goto("/procedures/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("キーワード").fill("ゴミ")  # katakana finds ごみ
    expect(page.locator("#results h3")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("粗大ごみ収集の申込み")
    expect(page).to_have_url(re.compile(r"q=%E3%82%B4%E3%83%9F"))
    assert page.evaluate("window.notReloaded") is True
    page.locator("#results").get_by_role("link", name="粗大ごみ収集の申込み").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("粗大ごみ収集の申込み")


def test_search_without_javascript(page_without_js: Page, catalogue) -> None:
    page = page_without_js
    page.goto("/")
    page.get_by_label("手続きを探す").fill("児童")
    page.get_by_role("button", name="検索する").click()
    expect(page.locator("#results h3")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("児童手当の認定請求")
    assert axe_violations(page) == []
    page.get_by_role("link", name="引越し").click()
    expect(page.locator(".step-list > li")).to_have_count(2)
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_catalogue_pages_are_accessible(page: Page, catalogue, language) -> None:
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
    for path in [
        "/procedures/",
        "/procedures/?q=%E3%81%94%E3%81%BF",
        "/procedures/?q=zzz",
        "/procedures/sodai-gomi/",
        "/procedures/tennyu-todoke/",
        "/life-events/moving/",
    ]:
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert axe_violations(page) == [], path


def test_catalogue_on_a_phone(browser: Browser, live_server, catalogue) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto("/procedures/jido-teate/")
    assert axe_violations(page) == []
    # Nothing forces sideways scrolling on a narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
