"""The table preview: the dataset page shows the first rows from the datastore and links to
the resource's page, which pages through every row without JavaScript."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from jichitai.opendata.datastore.columns import typed_frame
from jichitai.opendata.datastore.loader import load_frame
from jichitai.opendata.models import Dataset, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(make_dataset: Any) -> Resource:
    dataset = make_dataset("公共施設一覧", name="facilities", resources=[{"name": "施設一覧"}])
    resource = dataset.resources.get()
    frame = pl.DataFrame(
        {
            "c0": [f"施設{n:03d}" for n in range(1, 121)],
            "c1": [str(n * 10) for n in range(1, 121)],
            "c2": ["=1+1"] * 120,
        }
    )
    fields, typed = typed_frame(["名称", "定員", "備考"], frame, None)
    load_frame(resource.pk, fields, typed, source_file_id=None)
    resource.refresh_from_db()
    return resource


def page_of(client: Any, resource: Resource, **query: str) -> str:
    response = client.get(f"/data/facilities/resource/{resource.pk}/", query)
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_dataset_page_previews_the_datastore_and_links_to_every_row(client, table):
    page = client.get("/data/facilities/").content.decode()
    assert '<th scope="col">定員</th>' in page
    # The table preview (the chart below it draws more rows).
    preview = page[page.index("先頭の行（プレビュー）") : page.index("</table>")]
    assert "施設001" in preview and "施設020" in preview and "施設021" not in preview
    assert "<td>=1+1</td>" in page  # the value, not the CSV's formula-escaped copy
    assert f"/data/facilities/resource/{table.pk}/" in page


def test_the_resource_page_pages_through_the_table(client, table):
    first = page_of(client, table)
    assert "<caption" in first and "全 120 行のうち 1〜50 行目" in first
    assert "施設050" in first and "施設051" not in first
    assert 'aria-label="ページ送り"' in first and "?page=2" in first
    second = page_of(client, table, page="2")
    assert "施設051" in second and "施設100" in second and "施設101" not in second
    assert '<th scope="row">51</th>' in second
    last = page_of(client, table, page="999")  # past the end: the last page
    assert "施設120" in last and "101〜120" in last
    assert "施設001" in page_of(client, table, page="abc")


def test_hidden_data_sets_and_other_data_sets_resources_are_not_found(client, table, make_dataset):
    other = make_dataset("別", name="other")
    assert client.get(f"/data/{other.name}/resource/{table.pk}/").status_code == 404
    Dataset.objects.filter(pk=table.dataset_id).update(private=True)
    assert client.get(f"/data/facilities/resource/{table.pk}/").status_code == 404


def test_a_resource_without_a_table_says_so(client, make_dataset):
    dataset = make_dataset("リンク", name="links", resources=[{"name": "PDF"}])
    resource = dataset.resources.get()
    page = client.get(f"/data/links/resource/{resource.pk}/").content.decode()
    assert "表として見られるデータがありません" in page
