"""GET /api/v1/procedures/{slug}/form/versions/{n}: any published version of a form, so a
client can read the version an application was made with."""

import copy

import pytest

from jichitai.procedures.services import intake
from jichitai.procedures.tests.casework_helpers import NAME_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(catalogue):
    procedure = catalogue["jido"]
    intake.publish_form(procedure, NAME_FORM)
    second = copy.deepcopy(NAME_FORM)
    second["title"] = {"ja": "届出（第2版）"}
    intake.publish_form(procedure, second)
    procedure.refresh_from_db()
    return procedure


def test_earlier_and_live_versions(client, procedure) -> None:
    first = client.get(f"/api/v1/procedures/{procedure.slug}/form/versions/1")
    assert first.status_code == 200
    body = first.json()
    assert body["procedure"] == procedure.slug and body["version"] == 1
    assert body["document"]["title"]["ja"] == "届出"
    second = client.get(f"/api/v1/procedures/{procedure.slug}/form/versions/2").json()
    assert second["version"] == 2 and second["document"]["title"]["ja"] == "届出（第2版）"
    live = client.get(f"/api/v1/procedures/{procedure.slug}/form").json()
    assert live == second


@pytest.mark.parametrize("number", ["3", "0", "-1", "99999999999"])
def test_versions_never_published_are_404_problems(client, procedure, number) -> None:
    response = client.get(f"/api/v1/procedures/{procedure.slug}/form/versions/{number}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_unpublished_procedure_is_404(client, procedure) -> None:
    procedure.is_published = False
    procedure.save(update_fields=["is_published"])
    response = client.get(f"/api/v1/procedures/{procedure.slug}/form/versions/1")
    assert response.status_code == 404
    assert client.get("/api/v1/procedures/no-such/form/versions/1").status_code == 404


def test_not_a_number_is_a_problem(client, procedure) -> None:
    response = client.get(f"/api/v1/procedures/{procedure.slug}/form/versions/abc")
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/problem+json")
