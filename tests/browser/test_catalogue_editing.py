"""Staff create a data set, add a resource and publish it, by keyboard; axe-clean pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from jichitai.opendata.models import Dataset, Resource, State
from tests.browser.conftest import axe_violations, sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)


def _axe_clean(page: Page, javascript: bool) -> bool:
    """axe-clean, with or without JavaScript (`javascript` names the run)."""
    return axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False])
def test_staff_create_add_a_resource_and_publish(
    page: Page,
    page_without_js: Page,
    departments: dict[str, Any],
    make_staff: Any,
    javascript: bool,
) -> None:
    from conftest import TEST_PASSWORD

    page = page if javascript else page_without_js
    sign_in_staff(page, make_staff("approver"), TEST_PASSWORD)
    page.goto("/staff/data/")
    page.get_by_role("link", name="データセットを作成").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("データセットを作成")
    assert _axe_clean(page, javascript)
    page.get_by_label("タイトル").fill("公衆無線LANアクセスポイント一覧")
    page.get_by_label("URL名").fill("日本語")  # refused: shown in the summary and at the field
    page.get_by_role("button", name="下書きとして作成する").press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.title().startswith("エラー：")
    assert _axe_clean(page, javascript)
    page.get_by_label("URL名").fill("public-wifi")
    page.get_by_label("タグ").fill("Wi-Fi, 観光・防災")
    page.get_by_role("button", name="下書きとして作成する").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("公衆無線LANアクセスポイント一覧")
    expect(page.get_by_text("公開するには説明を入力してください。")).to_be_visible()
    assert _axe_clean(page, javascript)

    page.get_by_role("link", name="データセットを編集").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("を編集")
    page.get_by_label("説明").fill("区内の公衆無線LANアクセスポイントの一覧です。")
    page.get_by_role("button", name="保存する").press("Enter")
    expect(page.get_by_text("データセットを保存しました。")).to_be_visible()

    page.get_by_role("link", name="リソースを追加").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("リソースを追加")
    assert _axe_clean(page, javascript)
    page.get_by_label("名称").fill("アクセスポイント一覧（CSV）")
    page.get_by_label("URL").fill("https://example.jp/wifi.csv")
    page.get_by_label("形式").fill("csv")
    page.get_by_role("button", name="追加する").press("Enter")
    expect(page.get_by_role("heading", name="アクセスポイント一覧（CSV）")).to_be_visible()

    page.get_by_role("button", name="データセットを公開する").press("Enter")
    expect(page.get_by_text("データセットを公開しました。")).to_be_visible()
    assert _axe_clean(page, javascript)
    assert Dataset.objects.get(name="public-wifi").state == State.ACTIVE
    page.get_by_role("link", name="データセットを削除").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("このデータセットを削除しますか？")
    assert _axe_clean(page, javascript)
    page.get_by_role("link", name="削除せずに戻る").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("公衆無線LANアクセスポイント一覧")
    page.goto("/data/public-wifi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("公衆無線LANアクセスポイント一覧")

    # Going back to draft asks first, on a page saying what it does; going back changes nothing.
    page.goto("/staff/data/public-wifi/")
    page.get_by_role("link", name="下書きに戻す").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "このデータセットを下書きに戻しますか？"
    )
    expect(page.locator("main")).to_contain_text("同じURLで元どおり見られます。")
    assert _axe_clean(page, javascript)
    page.get_by_role("link", name="公開したまま戻る").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("公衆無線LANアクセスポイント一覧")
    assert Dataset.objects.get(name="public-wifi").state == State.ACTIVE
    page.get_by_role("link", name="下書きに戻す").press("Enter")
    page.get_by_role("button", name="下書きに戻す").press("Enter")
    expect(page.get_by_text("データセットを下書きに戻しました。")).to_be_visible()
    assert _axe_clean(page, javascript)
    assert Dataset.objects.get(name="public-wifi").state == State.DRAFT

    # Deleting a resource, then the data set: each asks first, on a page of its own; its
    # button (reached by keyboard, no JavaScript needed) deletes.
    page.get_by_role("link", name=re.compile(r"^削除\s*：アクセスポイント一覧（CSV）$")).press(
        "Enter"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("このリソースを削除しますか？")
    assert _axe_clean(page, javascript)
    page.get_by_role("button", name="削除する").press("Enter")
    expect(
        page.get_by_text("リソース「アクセスポイント一覧（CSV）」を削除しました。")
    ).to_be_visible()
    assert Resource.objects.get(name="アクセスポイント一覧（CSV）").state == State.DELETED
    page.get_by_role("link", name="データセットを削除").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("このデータセットを削除しますか？")
    page.get_by_role("button", name="削除する").press("Enter")
    expect(
        page.get_by_text("データセット「公衆無線LANアクセスポイント一覧」を削除しました。")
    ).to_be_visible()
    assert _axe_clean(page, javascript)
    assert Dataset.objects.get(name="public-wifi").state == State.DELETED
