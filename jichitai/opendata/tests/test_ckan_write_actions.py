"""CKAN write actions: who may call them, CKAN's envelope and error types, and that a refused
call leaves nothing behind."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jichitai.accounts import api_tokens
from jichitai.governance.models import AuditEvent
from jichitai.opendata.models import CheckStatus, Dataset, Resource, ResourceFile, State

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token_for(make_staff: Any) -> Any:
    def make(*roles: str, department: str = "koseki", staff_scope: bool = True) -> str:
        user = make_staff(*roles, department=department)
        return api_tokens.create_token(user, name="api", days=30, staff_scope=staff_scope)[1]

    return make


def post(client: Any, name: str, data: dict[str, Any], token: str = "", **headers: str) -> Any:
    if token:
        headers.setdefault("HTTP_AUTHORIZATION", token)
    return client.post(
        f"/api/3/action/{name}", json.dumps(data), content_type="application/json", **headers
    )


NEW = {
    "name": "aed-list",
    "title": "AED設置箇所一覧",
    "notes": "区内のAED",
    "owner_org": "koseki",
    "tags": [{"name": "防災・救急"}],
    "extras": [{"key": "frequency_of_update", "value": "ANNUAL"}],
    "resources": [{"name": "AED CSV", "url": "https://example.jp/aed.csv", "format": "csv"}],
}


def test_approver_creates_a_published_dataset(client, token_for, departments) -> None:
    response = post(client, "package_create", NEW, token_for("approver"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["help"].endswith("/api/3/action/help_show?name=package_create")
    result = body["result"]
    assert result["state"] == "active"
    assert result["tags"][0]["name"] == "防災・救急"
    assert result["resources"][0]["format"] == "CSV"
    assert {"key": "frequency_of_update", "value": "ANNUAL"} in result["extras"]
    assert AuditEvent.objects.filter(action="opendata.dataset.create").exists()
    assert AuditEvent.objects.filter(action="opendata.dataset.publish").exists()


def test_a_clerks_dataset_is_a_draft_and_a_clerk_cannot_publish(client, token_for) -> None:
    clerk = token_for("clerk")
    result = post(client, "package_create", NEW, clerk).json()["result"]
    assert result["state"] == "draft"
    response = post(client, "package_patch", {"id": "aed-list", "state": "active"}, clerk)
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"
    assert Dataset.objects.get(name="aed-list").state == State.DRAFT


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 403),  # anonymous
        ({"HTTP_AUTHORIZATION": "jt_not-a-token"}, 403),
    ],
)
def test_anonymous_and_bad_tokens_are_refused(client, departments, headers, status) -> None:
    response = post(client, "package_create", NEW, **headers)
    assert response.status_code == status
    assert response.json()["error"]["__type"] == "Authorization Error"
    assert not Dataset.objects.exists()


def test_an_unscoped_token_and_a_residents_token_do_not_write(
    client, token_for, make_user, departments
) -> None:
    unscoped = token_for("approver", staff_scope=False)
    assert post(client, "package_create", NEW, unscoped).status_code == 403
    resident = api_tokens.create_token(make_user("resident"), name="r", days=30, staff_scope=True)
    assert not resident[0].staff_scope
    assert post(client, "package_create", NEW, resident[1]).status_code == 403
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    "header",
    ["HTTP_AUTHORIZATION", "HTTP_X_CKAN_API_KEY", "bearer"],
)
def test_the_three_ways_of_sending_a_token(client, token_for, header) -> None:
    token = token_for("approver")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    headers = bearer if header == "bearer" else {header: token}
    assert post(client, "package_create", NEW, **headers).status_code == 200


def test_other_departments_cannot_create_or_change(client, token_for, make_dataset) -> None:
    other = token_for("approver", department="kazei")
    response = post(client, "package_create", NEW, other)
    assert response.status_code == 403
    published = make_dataset("人口", name="population", notes="説明")
    response = post(client, "package_patch", {"id": published.name, "title": "x"}, other)
    assert response.status_code == 403
    draft = make_dataset("下書き", name="draft", state=State.DRAFT)
    response = post(client, "package_patch", {"id": draft.name, "title": "x"}, other)
    assert response.status_code == 404
    assert response.json()["error"]["__type"] == "Not Found Error"


def test_validation_errors_are_field_keyed_and_nothing_is_saved(client, token_for) -> None:
    token = token_for("approver")
    bad = {
        **NEW,
        "name": "日本語",
        "license_id": "nope",
        "temporal_start": "2024-13-01",
        "resources": [{"url": "https://example.jp/ok.csv"}, {"url": ["x"]}],
    }
    response = post(client, "package_create", bad, token)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert set(error) >= {"license_id", "temporal_start", "resources"}
    assert error["resources"][0] == {} and "url" in error["resources"][1]
    response = post(client, "package_create", {**NEW, "name": "日本語"}, token)
    assert response.status_code == 409 and "name" in response.json()["error"]
    response = post(client, "package_create", {**NEW, "notes": ""}, token)
    assert response.status_code == 409 and "notes" in response.json()["error"]
    assert not Dataset.objects.exists() and not Resource.objects.exists()


def test_update_replaces_and_patch_changes_only_what_is_given(client, token_for) -> None:
    token = token_for("approver")
    created = post(client, "package_create", NEW, token).json()["result"]
    patched = post(client, "package_patch", {"id": created["id"], "version": "2"}, token)
    assert patched.json()["result"]["notes"] == "区内のAED"
    assert patched.json()["result"]["version"] == "2"
    shown = patched.json()["result"]
    shown["title"] = "AED一覧（改）"
    shown["resources"].append({"name": "PDF", "url": "https://example.jp/a.pdf"})
    updated = post(client, "package_update", shown, token).json()["result"]
    assert updated["title"] == "AED一覧（改）"
    assert [r["name"] for r in updated["resources"]] == ["AED CSV", "PDF"]
    replaced = post(client, "package_update", {"id": "aed-list", "title": "t", "notes": "n"}, token)
    result = replaced.json()["result"]
    assert result["version"] == "" and result["tags"] == [] and len(result["resources"]) == 2


def test_resources_create_update_patch_delete(client, token_for) -> None:
    token = token_for("clerk")
    post(client, "package_create", {**NEW, "resources": []}, token)
    created = post(
        client,
        "resource_create",
        {"package_id": "aed-list", "url": "https://example.jp/x.json", "format": "json"},
        token,
    ).json()["result"]
    assert created["name"] == "x.json" and created["format"] == "JSON"
    patched = post(client, "resource_patch", {"id": created["id"], "name": "X"}, token)
    assert patched.json()["result"]["url"] == "https://example.jp/x.json"
    updated = post(client, "resource_update", {"id": created["id"], "name": "Y"}, token)
    assert updated.json()["result"]["url"] == ""
    assert post(client, "resource_delete", {"id": created["id"]}, token).json()["result"] is None
    assert Resource.objects.get(pk=created["id"]).state == State.DELETED
    assert post(client, "resource_delete", {"id": created["id"]}, token).status_code == 404
    assert post(client, "resource_delete", {"id": "not-a-uuid"}, token).status_code == 404


def test_package_delete_is_soft_and_needs_an_approver(client, token_for) -> None:
    approver = token_for("approver")
    post(client, "package_create", NEW, approver)
    clerk = token_for("clerk")
    assert post(client, "package_delete", {"id": "aed-list"}, clerk).status_code == 403
    assert post(client, "package_delete", {"id": "aed-list"}, approver).status_code == 200
    assert Dataset.objects.get(name="aed-list").state == State.DELETED
    assert post(client, "package_show", {"id": "aed-list"}).status_code == 404


def test_get_is_refused_for_write_actions(client, token_for) -> None:
    response = client.get(
        "/api/3/action/package_create?name=x", HTTP_AUTHORIZATION=token_for("approver")
    )
    assert response.status_code == 400
    assert "Please use POST" in response.json()


def test_upload_through_resource_create_is_checked_and_published(client, token_for) -> None:
    token = token_for("approver")
    post(client, "package_create", {**NEW, "resources": []}, token)
    content = "名称,所在地\r\n蒲田駅,大田区蒲田\r\n".encode("cp932")
    response = client.post(
        "/api/action/resource_create",
        {"package_id": "aed-list", "name": "AED", "upload": SimpleUploadedFile("a.csv", content)},
        HTTP_X_CKAN_API_KEY=token,
    )
    assert response.status_code == 200, response.content
    stored = ResourceFile.objects.get()
    assert stored.status == CheckStatus.PASSED and stored.publish_when_checked
    resource = Resource.objects.get(pk=response.json()["result"]["id"])
    assert resource.published_file_id == stored.pk and resource.url_type == "upload"
    shown = post(client, "resource_show", {"id": str(resource.pk)}).json()["result"]
    assert shown["url"].endswith("/download/") and shown["format"] == "CSV"


def _draft_with_an_upload(client, token: str) -> str:
    """A draft data set `aed-list` with one small CSV uploaded to it; returns the token."""
    post(client, "package_create", {**NEW, "state": "draft", "resources": []}, token)
    client.post(
        "/api/action/resource_create",
        {"package_id": "aed-list", "upload": SimpleUploadedFile("a.csv", b"a,b\r\n1,2\r\n")},
        HTTP_AUTHORIZATION=token,
    )
    return token


def test_an_upload_to_a_draft_goes_out_when_the_dataset_is_published(client, token_for) -> None:
    token = _draft_with_an_upload(client, token_for("approver"))
    resource = Resource.objects.get()
    assert resource.name == "a.csv" and resource.published_file_id is None
    post(client, "package_patch", {"id": "aed-list", "state": "active"}, token)
    resource.refresh_from_db()
    assert resource.published_file_id is not None


def test_declaring_a_standard_checks_the_files_again(client, token_for) -> None:
    token = _draft_with_an_upload(client, token_for("approver"))
    assert ResourceFile.objects.get().status == CheckStatus.PASSED
    # The AED standard's required columns are missing: checked again, the file fails and so
    # does not go out when the data set is published.
    post(client, "package_patch", {"id": "aed-list", "conforms_to": "aed-locations"}, token)
    stored = ResourceFile.objects.get()
    assert stored.status == CheckStatus.FAILED
    assert {issue["type"] for issue in stored.issues} == {"missing-label"}
    post(client, "package_patch", {"id": "aed-list", "state": "active"}, token)
    assert Resource.objects.get().published_file_id is None
    # Declaring no standard again, it passes and, as asked when sent, is published.
    post(client, "package_patch", {"id": "aed-list", "conforms_to": ""}, token)
    assert Resource.objects.get().published_file_id == stored.pk


def test_a_file_with_errors_is_not_published(client, token_for) -> None:
    token = token_for("approver")
    post(client, "package_create", {**NEW, "resources": []}, token)
    client.post(
        "/api/action/resource_create",
        {"package_id": "aed-list", "upload": SimpleUploadedFile("a.csv", b"\x00\x01\x02" * 10)},
        HTTP_AUTHORIZATION=token,
    )
    assert Resource.objects.get().published_file_id is None


def test_show_then_update_keeps_an_uploaded_file(client, token_for) -> None:
    token = token_for("approver")
    post(client, "package_create", {**NEW, "resources": []}, token)
    client.post(
        "/api/action/resource_create",
        {"package_id": "aed-list", "upload": SimpleUploadedFile("a.csv", b"a,b\r\n1,2\r\n")},
        HTTP_AUTHORIZATION=token,
    )
    shown = post(client, "package_show", {"id": "aed-list"}, token).json()["result"]
    shown["resources"][0]["description"] = "説明を追加"
    updated = post(client, "package_update", shown, token).json()["result"]
    assert updated["resources"][0]["url_type"] == "upload"
    resource = post(client, "resource_show", {"id": shown["resources"][0]["id"]}).json()["result"]
    again = post(client, "resource_update", {**resource, "name": "AED（CSV）"}, token)
    assert again.json()["result"]["url_type"] == "upload"
    assert Resource.objects.get().published_file_id is not None
