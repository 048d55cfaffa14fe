"""Applying and following an application through the JSON API with a personal token."""

import base64
import datetime as dt
import hashlib
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jichitai.accounts import api_tokens
from jichitai.governance.models import AuditEvent
from jichitai.procedures.models import Application, Attachment, NotificationTemplate
from jichitai.procedures.services import intake
from jichitai.procedures.tests.conftest import open_with_form

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

FORM = {
    "title": {"ja": "給付金"},
    "dedupe": {"question": "household_ref"},
    "pages": [
        {
            "id": "household",
            "title": {"ja": "世帯"},
            "questions": [
                {"id": "household_ref", "type": "short_text", "label": {"ja": "世帯番号"}},
                {"id": "birth", "type": "date", "label": {"ja": "生年月日"}},
                {"id": "has_members", "type": "yes_no", "label": {"ja": "同居の家族"}},
            ],
        },
        {
            "id": "members",
            "title": {"ja": "家族"},
            "show_if": [{"question": "has_members", "values": ["yes"]}],
            "questions": [
                {
                    "id": "members",
                    "type": "group",
                    "label": {"ja": "家族"},
                    "max_items": 3,
                    "questions": [
                        {"id": "name", "type": "short_text", "label": {"ja": "氏名"}},
                        {"id": "age", "type": "number", "label": {"ja": "年齢"}, "max_value": 130},
                    ],
                }
            ],
        },
        {
            "id": "proof",
            "title": {"ja": "書類"},
            "questions": [
                {"id": "account", "type": "bank_account", "label": {"ja": "口座"}},
                {"id": "proof", "type": "file", "label": {"ja": "通帳の写し"}},
                {"id": "agree", "type": "consent", "label": {"ja": "同意します"}},
            ],
        },
    ],
}

ANSWERS: dict[str, Any] = {
    "household_ref": "H-0001",
    "birth": "1980-05-05",
    "has_members": "yes",
    "members": [{"name": "大田 花子", "age": 40}, {"name": "大田 一郎", "age": "１２"}],
    "account": {
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": "ordinary",
        "account_number": "1234567",
        "holder_kana": "オオタ タロウ",
    },
    "proof": {"name": "通帳.png", "content_base64": base64.b64encode(PNG).decode()},
    "agree": True,
}


@pytest.fixture
def procedure(catalogue):
    return open_with_form(catalogue["jido"], FORM)


@pytest.fixture
def resident(make_user):
    return make_user("resident")


def bearer(user) -> dict[str, str]:
    _token, text = api_tokens.create_token(user, name="test", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def post(client, headers, answers=ANSWERS, key=None, slug="jido-teate"):
    return client.post(
        f"/api/v1/procedures/{slug}/applications",
        {"answers": answers},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
        **headers,
    )


def test_apply_through_the_api_then_follow_the_status(client, procedure, resident) -> None:
    headers = bearer(resident)
    form = client.get("/api/v1/procedures/jido-teate/form").json()
    assert form["version"] == 1 and form["document"]["pages"][0]["id"] == "household"

    response = post(client, headers)
    assert response.status_code == 201, response.json()
    body = response.json()
    application = Application.objects.get()
    assert body["receipt_number"] == application.receipt_number
    assert body["status"] == "received" and body["identity_level"] == "account"
    assert application.answers["members"][1] == {"name": "大田 一郎", "age": 12}
    assert application.answers["account"]["holder_kana"] == "オオタ タロウ"
    attachment = Attachment.objects.get(application=application)
    assert attachment.content_type == "image/png" and attachment.original_name == "通帳.png"
    assert AuditEvent.objects.filter(action="application.submit").count() == 1

    status = client.get(f"/api/v1/applications/{body['receipt_number']}", **headers).json()
    assert status["status"] == "received" and status["history"] == []
    listing = client.get("/api/v1/applications", **headers).json()
    assert [item["receipt_number"] for item in listing["items"]] == [body["receipt_number"]]


def test_the_same_key_makes_one_application(client, procedure, resident) -> None:
    headers = bearer(resident)
    first = post(client, headers, key="key-00000001")
    again = post(client, headers, key="key-00000001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["receipt_number"] == again.json()["receipt_number"]
    assert Application.objects.count() == 1


def test_the_same_key_with_other_answers_is_refused(client, procedure, resident) -> None:
    headers = bearer(resident)
    assert post(client, headers, key="key-00000002").status_code == 201
    changed = {**ANSWERS, "household_ref": "H-0002"}
    response = post(client, headers, changed, key="key-00000002")
    assert response.status_code == 422
    assert response.json()["code"] == "application.idempotency_key_reused"
    assert Application.objects.count() == 1


def test_the_same_key_for_another_procedure_is_refused(
    client, procedure, resident, catalogue
) -> None:
    open_with_form(catalogue["gomi"], FORM)
    headers = bearer(resident)
    assert post(client, headers, key="key-00000003").status_code == 201
    response = post(client, headers, key="key-00000003", slug="sodai-gomi")
    assert response.status_code == 422
    assert response.json()["code"] == "application.idempotency_key_reused"
    assert Application.objects.get().procedure == procedure


def test_a_second_application_for_the_household_is_a_409_naming_the_first(
    client, procedure, resident, make_user
) -> None:
    first = post(client, bearer(resident)).json()
    response = post(client, bearer(make_user("resident")), {**ANSWERS, "household_ref": "h0001"})
    assert response.status_code == 409
    assert response.json()["code"] == "application.duplicate"
    assert first["receipt_number"] in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"birth": "1980-02-30"}, "answers.birth.year", "invalid_date"),
        ({"birth": "abcdefghij"}, "answers.birth", "invalid_shape"),  # ten, not a date
        ({"birth": "1980-5-5"}, "answers.birth", "invalid_shape"),
        ({"birth": "99999999999999999999-01-01"}, "answers.birth", "invalid_shape"),
        ({"household_ref": "H-\ud800"}, "answers.household_ref", "invalid_characters"),
        (
            {"members": [{"name": "\udfff", "age": 1}]},
            "answers.members.0.name",
            "invalid_characters",
        ),
        ({"members": "two people"}, "answers.members", "invalid_shape"),
        ({"members": [{"name": "A", "age": 200}]}, "answers.members.0.age", "too_large"),
        (
            {"account": {**ANSWERS["account"], "bank_code": "1"}},
            "answers.account.bank_code",
            "invalid_bank_code",
        ),
        (
            {"proof": {"name": "x.svg", "content_base64": base64.b64encode(b"<svg/>").decode()}},
            "answers.proof",
            "file_type",
        ),
        (
            {"proof": {"name": "x.png", "content_base64": "not base64!"}},
            "answers.proof",
            "invalid_file",
        ),
        ({"agree": False}, "answers.agree", "consent_required"),
        ({"surprise": "x"}, "answers.surprise", "unknown_question"),
    ],
)
def test_bad_answers_are_422_problems_naming_the_field(
    client, procedure, resident, change, field, code
) -> None:
    response = post(client, bearer(resident), {**ANSWERS, **change})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert {"field": field, "code": code} in [
        {"field": error["field"], "code": error["code"]} for error in response.json()["errors"]
    ]
    assert not Application.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "kept"), [("..", "file"), ("a/../通帳.png", "通帳.png"), ("", "file")]
)
def test_a_file_names_path_is_dropped(client, procedure, resident, name, kept) -> None:
    proof = {**ANSWERS["proof"], "name": name}
    response = post(client, bearer(resident), {**ANSWERS, "proof": proof})
    assert response.status_code == 201
    assert Application.objects.get().answers["proof"]["name"] == kept


def test_a_page_the_answers_do_not_lead_to_is_not_filed(client, procedure, resident) -> None:
    response = post(client, bearer(resident), {**ANSWERS, "has_members": "no"})
    assert response.status_code == 201
    assert "members" not in Application.objects.get().answers


def test_missing_answers_are_named(client, procedure, resident) -> None:
    answers = {key: value for key, value in ANSWERS.items() if key != "account"}
    response = post(client, bearer(resident), answers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "answers.account.bank_code"


def test_a_scan_the_web_form_accepts_goes_through_the_api_too(
    client, procedure, resident, settings, tmp_path
) -> None:
    """Nine MB in Base64 is a 12 MB body, far past Django's 2 MB for bodies it reads."""
    settings.MEDIA_ROOT = tmp_path
    scan = PNG + bytes(9 * 1024 * 1024)
    proof = {"name": "通帳.png", "content_base64": base64.b64encode(scan).decode()}
    response = post(client, bearer(resident), {**ANSWERS, "proof": proof})
    assert response.status_code == 201
    assert Attachment.objects.get().size == len(scan)


def test_a_document_over_its_questions_limit_is_refused_by_that_limit(
    client, procedure, resident
) -> None:
    scan = PNG + bytes(10 * 1024 * 1024)  # the question allows 10 MB; the body 32 MiB
    proof = {"name": "通帳.png", "content_base64": base64.b64encode(scan).decode()}
    response = post(client, bearer(resident), {**ANSWERS, "proof": proof})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "answers.proof"
    assert not Application.objects.exists() and not Attachment.objects.exists()


def test_a_body_over_the_api_limit_is_a_413_and_files_nothing(
    client, procedure, resident, settings
) -> None:
    settings.JICHITAI_API_MAX_BODY_BYTES = 100
    response = post(client, bearer(resident))
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "100 bytes" in response.json()["detail"]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"), [(b"{not json", 400), (b"[1, 2]", 422), (b"", 422), (b"\xff\xfe", 400)]
)
def test_a_body_that_is_no_application_is_refused(
    client, procedure, resident, body, status
) -> None:
    response = client.post(
        "/api/v1/procedures/jido-teate/applications",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        **bearer(resident),
    )
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert not Application.objects.exists()


@pytest.mark.parametrize("key", [None, "short", "x" * 65, "has space 123"])
def test_the_idempotency_key_is_required_and_well_formed(client, procedure, resident, key) -> None:
    headers = bearer(resident)
    extra = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    response = client.post(
        "/api/v1/procedures/jido-teate/applications",
        {"answers": ANSWERS},
        content_type="application/json",
        **extra,
        **headers,
    )
    assert response.status_code == 422 and not Application.objects.exists()


@pytest.mark.parametrize(
    "authorization", [None, "Bearer jt_wrong", "Bearer nonsense", "Basic dXNlcjpwYXNz"]
)
def test_without_a_valid_token_nothing_is_filed(client, procedure, authorization) -> None:
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = post(client, headers)
    assert response.status_code == 401 and not Application.objects.exists()


def test_revoked_and_expired_tokens_stop_working(client, procedure, resident) -> None:
    token, text = api_tokens.create_token(resident, name="old", days=30)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    assert client.get("/api/v1/applications", **headers).status_code == 200
    api_tokens.revoke_token(resident, token.pk)
    assert client.get("/api/v1/applications", **headers).status_code == 401
    resident.is_active = False
    resident.save()
    _token, text = api_tokens.create_token(resident, name="new", days=30)
    assert (
        client.get("/api/v1/applications", HTTP_AUTHORIZATION=f"Bearer {text}").status_code == 401
    )


def test_a_token_past_its_expiry_stops_working(client, procedure, resident) -> None:
    token, text = api_tokens.create_token(resident, name="old", days=30)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    assert client.get("/api/v1/applications", **headers).status_code == 200
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save(update_fields=["expires_at"])
    assert client.get("/api/v1/applications", **headers).status_code == 401


def test_a_token_notes_its_last_use_at_most_once_a_minute(resident) -> None:
    token, text = api_tokens.create_token(resident, name="app", days=30)
    assert api_tokens.user_for_token(text) == resident
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert api_tokens.user_for_token(text) == resident
    token.refresh_from_db()
    assert token.last_used_at == first_use  # within the minute: not written again
    token.last_used_at = first_use - dt.timedelta(minutes=2)
    token.save(update_fields=["last_used_at"])
    api_tokens.user_for_token(text)
    token.refresh_from_db()
    assert token.last_used_at > first_use - dt.timedelta(minutes=2)
    assert api_tokens.user_for_token(text + "x") is None


def test_another_residents_application_is_not_found(client, procedure, resident, make_user) -> None:
    receipt = post(client, bearer(resident)).json()["receipt_number"]
    response = client.get(f"/api/v1/applications/{receipt}", **bearer(make_user("resident")))
    assert response.status_code == 404


def test_closed_intake_is_a_409(client, procedure, resident) -> None:
    procedure.capacity = 0
    procedure.save()
    response = post(client, bearer(resident))
    assert response.status_code == 409 and response.json()["code"] == "form.capacity_reached"


def test_tokens_page_shows_a_new_token_once_and_revokes(client, resident) -> None:
    client.force_login(resident)
    response = client.post("/account/tokens/", {"name": "家計簿アプリ", "days": "90"})
    assert response.status_code == 200
    token = resident.api_tokens.get()
    assert token.prefix in response.content.decode()
    assert "jt_" in response.content.decode()
    listing = client.get("/account/tokens/").content.decode()
    assert token.prefix in listing and token.digest not in listing
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_someone_elses_token_cannot_be_revoked(client, resident, make_user) -> None:
    token, _text = api_tokens.create_token(resident, name="mine", days=30)
    client.force_login(make_user("resident"))
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_bad_token_form_input_is_refused(client, resident) -> None:
    client.force_login(resident)
    response = client.post("/account/tokens/", {"name": "", "days": "7"})
    assert response.status_code == 400 and not resident.api_tokens.exists()


def test_the_confirmation_mail_uses_the_procedures_own_wording(
    client, procedure, resident, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    NotificationTemplate.objects.create(
        procedure=procedure,
        event="received",
        language="ja",
        subject="【児童手当】{{ receipt_number }}",
        body="{{ name }} 様",
    )
    with django_capture_on_commit_callbacks(execute=True):
        receipt = post(client, bearer(resident)).json()["receipt_number"]
    [mail] = mailoutbox
    assert mail.subject == f"【児童手当】{receipt}"


def test_the_attached_files_are_stored_whole_linked_and_with_the_upload_permissions(
    client, procedure, make_user, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # no folder yet: the first file makes it
    settings.FILE_UPLOAD_PERMISSIONS = 0o640
    for number in (1, 2):
        answers = ANSWERS | {"household_ref": f"H-100{number}"}
        assert post(client, bearer(make_user("resident")), answers=answers).status_code == 201
    names = set()
    for application in Application.objects.all():
        [attachment] = Attachment.objects.filter(application=application)
        assert application.answers["proof"] == {
            "attachment": attachment.pk,
            "name": "通帳.png",
            "content_type": "image/png",
            "size": len(PNG),
        }
        path = Path(default_storage.path(attachment.storage_name))
        assert path.parent == tmp_path / "media" / "attachments"
        assert path.read_bytes() == PNG and attachment.sha256 == hashlib.sha256(PNG).hexdigest()
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        names.add(attachment.storage_name)
    assert len(names) == 2 and not Attachment.objects.filter(application=None).exists()


def test_on_postgresql_the_application_and_its_attachments_are_saved_linked(
    client, procedure, resident
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite saves the attachments first and links them with an UPDATE")
    with CaptureQueriesContext(connection) as queries:
        assert post(client, bearer(resident)).status_code == 201
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith('UPDATE "procedures_attachment"')]
    [application] = Application.objects.all()
    assert Attachment.objects.get().application_id == application.pk


def test_without_its_own_wording_the_default_mail_is_sent(
    client, procedure, resident, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        receipt = post(client, bearer(resident)).json()["receipt_number"]
    [mail] = mailoutbox
    assert receipt in mail.subject


def test_a_receipt_number_already_taken_is_drawn_again(
    client, procedure, resident, make_user, monkeypatch
) -> None:
    taken = post(client, bearer(make_user("resident"))).json()["receipt_number"]
    draws = iter([taken, taken, "7KXM-3RFA"])
    monkeypatch.setattr(intake, "new_receipt_number", lambda: next(draws))
    response = post(client, bearer(resident), answers=ANSWERS | {"household_ref": "H-0002"})
    assert response.status_code == 201, response.json()
    assert response.json()["receipt_number"] == "7KXM-3RFA"
    assert Application.objects.filter(receipt_number=taken).count() == 1
    # The attempts that lost the number left no attachment rows behind.
    assert Attachment.objects.filter(owner=resident).count() == 1
