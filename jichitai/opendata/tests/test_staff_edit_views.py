"""Staff create and edit data sets and resources in the browser: who may open each page, the
forms' errors, a refused stale save that keeps the input, publishing and deleting."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.governance.models import AuditEvent
from jichitai.opendata.models import Dataset, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_dataset: Any) -> Dataset:
    dataset = make_dataset("公園一覧", name="parks", state=State.DRAFT, notes="区立公園")
    dataset.resources.create(name="公園CSV", url="https://example.jp/p.csv", format="CSV")
    dataset.resources.create(
        name="公園PDF", url="https://example.jp/p.pdf", format="PDF", position=1
    )
    return dataset


def _pages(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """Every editing URL, with the method that does its work."""
    resource = dataset.resources.get(name="公園CSV")
    base = f"/staff/data/{dataset.name}"
    return {
        "new": ("get", "/staff/data/new/"),
        "edit": ("get", f"{base}/edit/"),
        "publish": ("post", f"{base}/publish/"),
        # Published by the "publish" step before it: the confirmation page.
        "unpublish": ("get", f"{base}/unpublish/"),
        "delete": ("get", f"{base}/delete/"),
        "resource_new": ("get", f"{base}/resources/new/"),
        "resource_edit": ("get", f"{base}/resources/{resource.pk}/edit/"),
        "resource_move": ("post", f"{base}/resources/{resource.pk}/move/"),
        "resource_delete": ("get", f"{base}/resources/{resource.pk}/delete/"),
    }


PAGE_NAMES = [
    "new",
    "edit",
    "publish",
    "unpublish",
    "delete",
    "resource_new",
    "resource_edit",
    "resource_move",
    "resource_delete",
]
# A page that works answers 200, or a redirect after a POST; publishing, withdrawing and
# deleting take an approver; other departments' drafts do not exist for a user (404).
DECIDER = {**dict.fromkeys(PAGE_NAMES, 200), "publish": 302, "resource_move": 302}
EXPECTED: dict[str, dict[str, int]] = {
    "anonymous": dict.fromkeys(PAGE_NAMES, 302),
    "resident": dict.fromkeys(PAGE_NAMES, 403),
    "other_department": {**dict.fromkeys(PAGE_NAMES, 404), "new": 200},
    "clerk": {**DECIDER, "publish": 403, "unpublish": 403, "delete": 403},
    "approver": DECIDER,
    "admin": DECIDER,
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permissions_matrix(client, who, draft, make_staff, make_user, signed_in) -> None:
    users = {
        "resident": lambda: make_user("resident"),
        "other_department": lambda: make_staff("approver", department="kazei"),
        "clerk": lambda: make_staff("clerk"),
        "approver": lambda: make_staff("approver"),
        "admin": lambda: make_staff("system_admin"),
    }
    if who in users:
        signed_in(client, users[who]())
    for page, (method, url) in _pages(draft).items():
        response = getattr(client, method)(url, {"direction": "down"} if method == "post" else {})
        expected = EXPECTED[who][page]
        assert response.status_code == expected, (who, page, response.status_code)
        if who == "anonymous":
            assert response["Location"].startswith("/accounts/sign-in/")


def test_create_edit_publish_and_delete(client, departments, make_staff, signed_in) -> None:
    signed_in(client, make_staff("approver"))
    page = client.get("/staff/data/new/").content.decode()
    assert "下書きとして作成する" in page
    response = client.post(
        "/staff/data/new/",
        {
            "title": "AED設置箇所一覧",
            "name": "aed",
            "owner_org": departments["koseki"].pk,
            "license_id": "cc-by-4.0",
            "tags": "防災、救急・AED",
        },
    )
    assert response.status_code == 302
    dataset = Dataset.objects.get(name="aed")
    assert dataset.state == State.DRAFT
    assert sorted(tag.name for tag in dataset.tags.all()) == ["救急・AED", "防災"]
    detail = client.get("/staff/data/aed/").content.decode()
    assert "公開するには説明を入力してください。" in detail
    client.post("/staff/data/aed/publish/")
    dataset.refresh_from_db()
    assert dataset.state == State.DRAFT  # refused: no description yet
    form = client.get("/staff/data/aed/edit/").content.decode()
    version = form.split('name="metadata_modified" value="')[1].split('"')[0]
    response = client.post(
        "/staff/data/aed/edit/",
        {
            "title": "AED設置箇所一覧",
            "name": "aed",
            "owner_org": departments["koseki"].pk,
            "license_id": "cc-by-4.0",
            "notes": "区内のAED",
            "tags": "防災",
            "metadata_modified": version,
        },
    )
    assert response.status_code == 302, response.content.decode()
    client.post("/staff/data/aed/publish/")
    dataset.refresh_from_db()
    assert dataset.state == State.ACTIVE
    confirm = client.get("/staff/data/aed/delete/").content.decode()
    assert "このデータセットを削除しますか？" in confirm
    assert client.post("/staff/data/aed/delete/", {"confirm": "yes"}).status_code == 302
    dataset.refresh_from_db()
    assert dataset.state == State.DELETED
    assert client.get("/staff/data/aed/").status_code == 404
    assert AuditEvent.objects.filter(action="opendata.dataset.delete").exists()


def test_going_back_to_draft_asks_first_and_an_unconfirmed_post_changes_nothing(
    client, make_dataset, make_staff, signed_in
) -> None:
    from django.test import Client

    dataset = make_dataset(
        "公園一覧",
        name="parks",
        notes="区立公園",
        resources=[{"name": "公園CSV", "url": "https://example.jp/p.csv", "format": "CSV"}],
    )
    public = Client()
    assert public.get("/data/parks/").status_code == 200
    signed_in(client, make_staff("approver"))
    # The button on the data set's page leads to a page that says what going back does.
    detail = client.get("/staff/data/parks/").content.decode()
    assert 'href="/staff/data/parks/unpublish/">下書きに戻す</a>' in detail
    response = client.get("/staff/data/parks/unpublish/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>このデータセットを下書きに戻しますか？</h1>" in page
    assert "CKAN API、DCATカタログから見えなくなります。" in page
    assert "同じURLで元どおり見られます。" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert 'href="/staff/data/parks/">公開したまま戻る</a>' in page
    # A POST without the page's confirmation (stray, or empty) changes nothing.
    for data in ({}, {"confirm": "no"}):
        response = client.post("/staff/data/parks/unpublish/", data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "「下書きに戻す」ボタンを押してください。" in page and "<title>エラー：" in page
        dataset.refresh_from_db()
        assert dataset.state == State.ACTIVE
    assert not AuditEvent.objects.filter(action="opendata.dataset.unpublish").exists()
    assert public.get("/data/parks/").status_code == 200
    response = client.post("/staff/data/parks/unpublish/", {"confirm": "yes"})
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.state == State.DRAFT
    assert AuditEvent.objects.filter(action="opendata.dataset.unpublish").count() == 1
    # What the page said: gone for the public, the resources kept.
    assert public.get("/data/parks/").status_code == 404
    assert public.get("/api/3/action/package_show", {"id": "parks"}).status_code == 404
    assert dataset.resources.filter(state=State.ACTIVE).count() == 1
    # Nothing left to take back: the data set's page says so.
    response = client.get("/staff/data/parks/unpublish/", follow=True)
    assert "このデータセットは公開されていません。" in response.content.decode()


@pytest.mark.parametrize("target", ["dataset", "resource"])
def test_deleting_asks_first_and_an_unconfirmed_post_changes_nothing(
    client, make_dataset, make_staff, signed_in, target
) -> None:
    dataset = make_dataset(
        "公園一覧",
        name="parks",
        notes="区立公園",
        resources=[{"name": "公園CSV", "url": "https://example.jp/p.csv", "format": "CSV"}],
    )
    resource = dataset.resources.get()
    signed_in(client, make_staff("approver"))
    if target == "dataset":
        url, subject, kept = "/staff/data/parks/delete/", "公園一覧", dataset
        control = f'href="{url}">データセットを削除</a>'
    else:
        url = f"/staff/data/parks/resources/{resource.pk}/delete/"
        subject, kept = "公園CSV", resource
        control = f'href="{url}">削除<span class="visually-hidden">：公園CSV</span></a>'
    # The control on the data set's page is a link to the confirmation page (safe without JS).
    assert control in client.get("/staff/data/parks/").content.decode()
    page = client.get(url).content.decode()
    assert f"<strong>{subject}</strong>" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert 'href="/staff/data/parks/">削除せずに戻る</a>' in page
    # A POST without the page's confirmation (stray, empty, or the old one-click button)
    # changes nothing and comes back to the page saying which button to press.
    for data in ({}, {"confirm": "no"}, {"confirm": ""}):
        response = client.post(url, data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "削除するには、この画面の「削除する」ボタンを押してください。" in page
        assert "<title>エラー：" in page and 'class="error-summary"' in page
        kept.refresh_from_db()
        assert kept.state == State.ACTIVE
    assert (
        not AuditEvent.objects.filter(action__startswith="opendata.")
        .filter(action__endswith=".delete")
        .exists()
    )
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.state == State.DELETED


def test_form_errors_are_summarised_and_kept(client, departments, make_staff, signed_in) -> None:
    signed_in(client, make_staff("clerk"))
    response = client.post(
        "/staff/data/new/",
        {"title": "", "name": "日本語", "owner_org": departments["koseki"].pk, "tags": "x" * 101},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page and "URL名は2〜100文字" in page
    assert 'value="日本語"' in page
    response = client.post(
        "/staff/data/new/",
        {
            "title": "t",
            "name": "new",
            "owner_org": departments["koseki"].pk,
            "license_id": "cc-by-4.0",
        },
    )
    assert response.status_code == 400 and "このURL名は使えません" in response.content.decode()
    other = departments["kazei"].pk
    response = client.post("/staff/data/new/", {"title": "t", "name": "abc", "owner_org": other})
    assert response.status_code == 400 and not Dataset.objects.filter(name="abc").exists()


def _edit_fields(client, draft, **changes):
    """The parks data set's edit form as it would be posted, with `changes`."""
    form = client.get("/staff/data/parks/edit/").content.decode()
    version = form.split('name="metadata_modified" value="')[1].split('"')[0]
    fields = {
        "title": "公園一覧（私の変更）",
        "name": "parks",
        "owner_org": draft.owner_org_id,
        "license_id": "cc-by-4.0",
        "notes": "区立公園",
        "metadata_modified": version,
    }
    return {**fields, **changes}


def test_a_stale_save_is_refused_and_the_input_kept(client, draft, make_staff, signed_in) -> None:
    signed_in(client, make_staff("clerk"))
    fields = _edit_fields(client, draft)
    draft.title = "公園一覧（他の人の変更）"
    draft.save()
    from jichitai.opendata.services.catalogue import touch

    touch(draft)
    response = client.post("/staff/data/parks/edit/", fields)
    assert response.status_code == 409
    page = response.content.decode()
    assert "別の人が更新しました" in page and "公園一覧（私の変更）" in page
    assert "いま保存されている内容" in page and "公園一覧（他の人の変更）" in page
    draft.refresh_from_db()
    assert draft.title == "公園一覧（他の人の変更）"
    newer = page.split('name="metadata_modified" value="')[1].split('"')[0]
    response = client.post("/staff/data/parks/edit/", {**fields, "metadata_modified": newer})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "公園一覧（私の変更）"


def test_control_characters_are_refused_next_to_the_field(
    client, draft, make_staff, signed_in
) -> None:
    signed_in(client, make_staff("clerk"))
    fields = _edit_fields(client, draft, title="公園\x1b[31m一覧", notes="区立公園\x00")
    response = client.post("/staff/data/parks/edit/", fields)
    assert response.status_code == 400
    assert {"title", "notes"} <= set(response.context["form"].errors)
    assert "使えない文字が含まれています。" in response.content.decode()
    title = draft.title
    draft.refresh_from_db()
    assert draft.title == title


def test_resources_are_added_edited_moved_and_deleted(client, draft, make_staff, signed_in) -> None:
    signed_in(client, make_staff("clerk"))
    response = client.post(
        "/staff/data/parks/resources/new/",
        {"name": "公園JSON", "url": "https://example.jp/p.json", "format": "json"},
    )
    assert response.status_code == 302
    added = draft.resources.get(name="公園JSON")
    assert added.format == "JSON" and added.position == 2
    response = client.post("/staff/data/parks/resources/new/", {"name": "", "url": "nope"})
    assert response.status_code == 400 and 'class="error-summary"' in response.content.decode()
    client.post(f"/staff/data/parks/resources/{added.pk}/move/", {"direction": "up"})
    names = list(draft.resources.order_by("position").values_list("name", flat=True))
    assert names == ["公園CSV", "公園JSON", "公園PDF"]
    edit = client.get(f"/staff/data/parks/resources/{added.pk}/edit/").content.decode()
    version = edit.split('name="metadata_modified" value="')[1].split('"')[0]
    response = client.post(
        f"/staff/data/parks/resources/{added.pk}/edit/",
        {
            "name": "公園GeoJSON",
            "url": "https://example.jp/p.geojson",
            "format": "GeoJSON",
            "metadata_modified": version,
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.name == "公園GeoJSON" and added.format == "GEOJSON"
    assert (
        "このリソースを削除しますか？"
        in client.get(f"/staff/data/parks/resources/{added.pk}/delete/").content.decode()
    )
    client.post(f"/staff/data/parks/resources/{added.pk}/delete/", {"confirm": "yes"})
    added.refresh_from_db()
    assert added.state == State.DELETED
    page = client.get("/staff/data/parks/").content.decode()
    assert "を削除しました" in page  # the message, once
    page = client.get("/staff/data/parks/").content.decode()
    assert "公園GeoJSON" not in page and "上へ移動" in page
