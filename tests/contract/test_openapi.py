"""The API contract: the checked-in OpenAPI document, problem JSON errors."""

import json
from pathlib import Path

import pytest

from config.api import api

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_checked_in_openapi_document_matches_the_code() -> None:
    """Regenerate with: .venv/bin/python manage.py export_openapi_schema --api config.api.api
    --output docs/openapi.json --indent 2"""
    generated = json.loads(json.dumps(api.get_openapi_schema()))
    assert json.loads(OPENAPI_FILE.read_text()) == generated


@pytest.mark.django_db
def test_openapi_is_served(client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Jichitai API"


@pytest.mark.django_db
def test_municipality_with_its_organisation(client, departments) -> None:
    response = client.get("/api/v1/municipality")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "131113" and body["name_en"] == "Ota City"
    [division] = body["organisation"]
    assert division["name_ja"] == "区民部"
    assert {d["code"] for d in division["departments"]} == {"koseki", "kazei"}


@pytest.mark.django_db
def test_missing_things_are_problem_json(client) -> None:
    response = client.get("/api/v1/municipality")  # nothing configured yet
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not found", "status": 404}


@pytest.mark.django_db
def test_api_refuses_unsupported_methods(client, municipality) -> None:
    assert client.post("/api/v1/municipality").status_code == 405
