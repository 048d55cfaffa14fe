"""Every error under /api/v1/ is a problem document (RFC 9457), whoever answers it."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROBLEM_JSON = "application/problem+json"


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body  # type: ignore[no-any-return]


def test_an_unknown_path_is_a_404_problem(client: Client) -> None:
    assert_problem(client.get("/api/v1/nonexistent"), 404)


def test_a_method_not_allowed_is_a_405_problem_naming_the_allowed(client: Client) -> None:
    response = client.delete("/api/v1/procedures")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/procedures?q=%00", "/api/v1/procedures?department=%00"])
def test_a_nul_character_in_the_query_is_a_422_problem(client: Client, path: str) -> None:
    body = assert_problem(client.get(path), 422)
    assert "NUL" in body["detail"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/procedures/%00", "/api/v1/procedures/x%00/form", "/api/v1/applications/AB%00CD"],
)
def test_a_nul_character_in_the_path_names_nothing(client: Client, path: str) -> None:
    assert_problem(client.get(path), 404)


def test_a_server_error_is_a_500_problem(catalogue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from jichitai.procedures import selectors

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a fault")

    monkeypatch.setattr(selectors, "published_procedure", broken)
    client = Client(raise_request_exception=False)
    body = assert_problem(client.get("/api/v1/procedures/sodai-gomi"), 500)
    assert "a fault" not in str(body)  # nothing of the fault itself reaches the client


def test_a_401_names_the_scheme(client: Client) -> None:
    response = client.get("/api/v1/applications")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_pages_outside_the_api_keep_their_html(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
