"""The portal's pages: search with facets as plain links, a data set with its preview."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jichitai.opendata.services.uploads import check_file, publish_file, receive_upload

pytestmark = pytest.mark.django_db


def test_search_finds_japanese_substrings_and_lists_facets(client, catalogue) -> None:
    response = client.get("/data/", {"q": "避難"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "指定緊急避難場所一覧" in page and "公衆トイレ一覧" not in page
    assert "?q=%E9%81%BF%E9%9B%A3&amp;organization=koseki" in page  # a facet link


def test_facet_filters_narrow_and_release(client, catalogue) -> None:
    page = client.get("/data/", {"organization": "kazei"}).content.decode()
    assert "地域・年齢別人口" in page and "公衆トイレ一覧" not in page
    assert "（解除）" in page


def test_drafts_and_private_data_sets_stay_out(client, catalogue) -> None:
    page = client.get("/data/").content.decode()
    assert "AED設置箇所一覧" not in page and "非公開の内部データ" not in page
    assert client.get("/data/aed-draft/").status_code == 404
    assert client.get("/data/internal/").status_code == 404


@pytest.mark.parametrize("query", [{"q": "あ" * 201}, {"q": "(a OR b"}, {"tags": "x" * 101}])
def test_bad_searches_get_a_clear_400(client, catalogue, query: dict[str, str]) -> None:
    response = client.get("/data/", query)
    assert response.status_code == 400
    assert "エラー" in response.content.decode()


def test_dataset_page_shows_metadata_preview_and_api_example(
    client, catalogue, verified_staff: Any
) -> None:
    clerk = verified_staff("clerk")
    resource = catalogue["toilets"].resources.create(name="トイレ一覧（CSV）")
    content = "名称,所在地\r\n蒲田駅前公衆トイレ,東京都大田区蒲田五丁目\r\n".encode()
    stored = receive_upload(clerk, resource, SimpleUploadedFile("t.csv", content))
    publish_file(clerk, check_file(stored.pk))
    page = client.get("/data/toilets/").content.decode()
    assert "蒲田駅前公衆トイレ" in page  # the preview table
    assert f"/dataset/{catalogue['toilets'].pk}/resource/{resource.pk}/download/" in page
    assert "/api/3/action/package_show?id=toilets" in page
    assert "ckanapi action package_show id=toilets -r http://testserver" in page
    assert "curl -o 'toilets-1.csv' 'http://testserver/dataset/" in page
    assert "クリエイティブ・コモンズ 表示 4.0 国際" in page


def test_each_download_is_counted_and_shown(client, catalogue, verified_staff: Any) -> None:
    clerk = verified_staff("clerk")
    resource = catalogue["toilets"].resources.create(name="トイレ一覧（CSV）")
    content = "名称,所在地\r\n蒲田駅前公衆トイレ,東京都大田区蒲田五丁目\r\n".encode()
    stored = receive_upload(clerk, resource, SimpleUploadedFile("t.csv", content))
    publish_file(clerk, check_file(stored.pk))
    url = f"/dataset/{catalogue['toilets'].pk}/resource/{resource.pk}/download/"
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "蒲田駅前公衆トイレ".encode() in b"".join(response.streaming_content)
    resource.refresh_from_db()
    assert resource.download_count == 2
    assert "ダウンロード数 2" in client.get("/data/toilets/").content.decode()
    # A missing resource is a 404 and counts nothing.
    other = f"/dataset/{catalogue['toilets'].pk}/resource/{catalogue['toilets'].pk}/download/"
    assert client.get(other).status_code == 404
    resource.refresh_from_db()
    assert resource.download_count == 2
