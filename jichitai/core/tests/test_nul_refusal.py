"""A NUL character in a URL is refused before any view looks anything up with it."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/procedures/?q=%00", "/applications/AB%00CD/", "/x%00/"])
def test_a_nul_in_the_url_is_the_bilingual_400_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_the_json_api_answers_with_a_problem(client: Client) -> None:
    response = client.get("/api/v1/procedures?q=%00")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_the_ckan_api_keeps_its_own_envelope(client: Client) -> None:
    response = client.get("/api/3/action/package_show?id=%00")
    assert response.json()["success"] is False


def test_the_400_page_is_the_sites_own_in_both_languages(client: Client) -> None:
    page = client.get("/procedures/?q=%00").content.decode()
    assert "<html" in page and 'lang="ja"' in page
