"""The catalogue through the JSON API."""

import pytest

pytestmark = pytest.mark.django_db


def test_list_searches_and_pages(client, catalogue) -> None:
    body = client.get("/api/v1/procedures", {"q": "ごみ"}).json()
    assert body["count"] == 1 and body["items"][0]["slug"] == "sodai-gomi"
    assert body["items"][0]["department_code"] == "kazei"
    page = client.get("/api/v1/procedures", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and len(page["items"]) == 1


def test_detail_has_documents_as_a_list(client, catalogue) -> None:
    body = client.get("/api/v1/procedures/jido-teate").json()
    assert body["documents_ja"] == ["健康保険証", "口座の情報"]
    assert body["standard_processing_days"] == 20


def test_unpublished_is_a_404_problem(client, catalogue) -> None:
    response = client.get("/api/v1/procedures/mikokai")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "あ" * 101},
        {"limit": "many"},
        {"online": "perhaps"},
        {"limit": 101},
        {"offset": 10**20},
        {"offset": -1},
    ],
)
def test_bad_parameters_are_422_problems_naming_the_field(client, catalogue, params) -> None:
    response = client.get("/api/v1/procedures", params)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == next(iter(params))
