"""Data requests (データリクエスト): anyone files one, staff of the concerned department answer
it with a status, the requester hears by mail; the public sees requests but never addresses."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent
from jichitai.notifications.models import OutboundEmail
from jichitai.opendata.models import DataRequest, DataRequestFiling, DataRequestStatus
from jichitai.opendata.services import data_requests
from jichitai.opendata.services.catalogue import create_dataset

pytestmark = pytest.mark.django_db

VALID = {
    "title": "公園の遊具の一覧",
    "description": "区内の公園ごとの遊具の種類と設置年",
    "purpose": "子ども向けの公園マップを作りたい",
    "requester_name": "蒲田のパパ",
    "requester_email": "papa@example.jp",
}


def file(**fields: Any) -> DataRequest:
    values = {"title": "公園の遊具の一覧", "description": "遊具の種類", **fields}
    return data_requests.file_request(**values)


# --- Services ---------------------------------------------------------------------------


def test_filing_records_history_and_audit_without_the_address(departments) -> None:
    filed = file(requester_email="papa@example.jp", department=departments["kazei"])
    assert filed.status == DataRequestStatus.NEW and filed.is_public
    assert [event.status for event in filed.events.all()] == ["new"]
    event = AuditEvent.objects.get(action="opendata.request.file")
    assert event.detail == {"department": "kazei", "dataset": "", "has_email": True}
    assert "papa@example.jp" not in str(event.detail)


def test_the_client_address_is_kept_only_as_a_keyed_hash(settings, departments) -> None:
    file(client_ip="203.0.113.7")
    [filing] = DataRequestFiling.objects.all()
    assert "203.0.113.7" not in filing.client_key and len(filing.client_key) == 64
    assert filing.client_key == data_requests.client_key("203.0.113.7")
    settings.SECRET_KEY = "another secret key " * 3
    assert data_requests.client_key("203.0.113.7") != filing.client_key


def test_at_most_five_an_hour_from_one_address(departments) -> None:
    for _ in range(5):
        file(client_ip="203.0.113.7")
    with pytest.raises(DomainError) as refused:
        file(client_ip="203.0.113.7")
    assert refused.value.code == "opendata.request.rate_limited"
    assert AuditEvent.objects.filter(action="opendata.request.file", outcome="denied").count() == 1
    assert 0 < data_requests.retry_after("203.0.113.7") <= 3601
    file(client_ip="203.0.113.8")  # another address is not held back
    assert DataRequest.objects.count() == 6


def test_concerned_staff_answer_and_the_requester_is_mailed_in_their_language(
    departments, verified_staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    filed = file(requester_email="papa@example.jp", language="en", department=departments["koseki"])
    clerk = verified_staff("clerk", department="koseki")
    with django_capture_on_commit_callbacks(execute=True):
        data_requests.answer_request(
            clerk, filed, status=DataRequestStatus.PUBLISHED, answer="公開しました。"
        )
    filed.refresh_from_db()
    assert (filed.status, filed.answer, filed.answered_by) == ("published", "公開しました。", clerk)
    assert [event.status for event in filed.events.all()] == ["new", "published"]
    assert AuditEvent.objects.get(action="opendata.request.answer").detail == {
        "from": "new",
        "to": "published",
        "public": True,
    }
    [email] = OutboundEmail.objects.all()
    assert (email.recipient, email.language, email.reference) == (
        "papa@example.jp",
        "en",
        f"DR-{filed.pk}",
    )
    [message] = mailoutbox
    assert "Data request" in message.subject and "Published" in message.subject
    assert "公開しました。" in message.body and f"/data/requests/{filed.pk}/" in message.body


def test_a_japanese_requester_reads_japanese(
    departments, verified_staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    filed = file(requester_email="papa@example.jp", department=departments["koseki"])
    with django_capture_on_commit_callbacks(execute=True):
        data_requests.answer_request(
            verified_staff("clerk"), filed, status="declined", answer="個人情報を含むため"
        )
    [message] = mailoutbox
    assert "データリクエスト「公園の遊具の一覧」：対応不可" in message.subject


def test_no_address_no_mail(departments, verified_staff) -> None:
    filed = file(department=departments["koseki"])
    data_requests.answer_request(verified_staff("clerk"), filed, status="under_review", answer="")
    assert not OutboundEmail.objects.exists()


def test_an_answer_rolled_back_sends_nothing(
    departments, verified_staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    filed = file(requester_email="papa@example.jp", department=departments["koseki"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        data_requests.answer_request(
            verified_staff("clerk"), filed, status="published", answer="済"
        )
        raise RuntimeError
    filed.refresh_from_db()
    assert filed.status == "new" and not OutboundEmail.objects.exists() and mailoutbox == []


def test_declining_needs_an_answer(departments, verified_staff) -> None:
    filed = file(department=departments["koseki"])
    with pytest.raises(DomainError) as refused:
        data_requests.answer_request(verified_staff("clerk"), filed, status="declined", answer=" ")
    assert (refused.value.code, refused.value.field) == (
        "opendata.request.answer_required",
        "answer",
    )
    with pytest.raises(DomainError):
        data_requests.answer_request(verified_staff("clerk"), filed, status="bogus", answer="x")
    assert DataRequest.objects.get().status == "new"


def test_only_the_concerned_department_answers(departments, verified_staff, make_user) -> None:
    filed = file(department=departments["koseki"])
    unassigned = file()
    for outsider in [verified_staff("clerk", department="kazei"), make_user("resident")]:
        with pytest.raises(DomainError):
            data_requests.answer_request(outsider, filed, status="under_review", answer="")
    with pytest.raises(DomainError):  # nobody answers before a department is assigned
        data_requests.answer_request(
            verified_staff("system_admin"), unassigned, status="under_review", answer=""
        )


def test_only_a_system_administrator_assigns(departments, verified_staff) -> None:
    filed = file()
    with pytest.raises(DomainError):
        data_requests.assign_department(
            verified_staff("department_admin"), filed, departments["koseki"]
        )
    admin = verified_staff("system_admin")
    with pytest.raises(DomainError):  # a division (部) answers nothing
        data_requests.assign_department(admin, filed, departments["koseki"].parent)
    data_requests.assign_department(admin, filed, departments["kazei"])
    filed.refresh_from_db()
    assert filed.department == departments["kazei"]
    assert AuditEvent.objects.get(action="opendata.request.assign").detail == {
        "from": "",
        "to": "kazei",
    }


# --- Public pages --------------------------------------------------------------------------


def test_anyone_files_a_request_and_sees_it_without_the_address(client, departments) -> None:
    form = client.get("/data/requests/new/")
    assert form.status_code == 200 and 'class="honeypot"' in form.content.decode()
    response = client.post("/data/requests/new/", {**VALID, "department": departments["kazei"].pk})
    filed = DataRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/requests/{filed.pk}/"
    assert filed.requester_email == "papa@example.jp" and filed.department == departments["kazei"]
    page = client.get(response["Location"]).content.decode()
    assert "データリクエストを受け付けました" in page
    assert "公園の遊具の一覧" in page and "蒲田のパパ" in page and "課税課" in page
    assert "papa@example.jp" not in page
    listing = client.get("/data/requests/").content.decode()
    assert "公園の遊具の一覧" in listing and "papa@example.jp" not in listing


def test_a_signed_in_resident_files_in_their_name(client, make_user, signed_in) -> None:
    resident = make_user("resident")
    signed_in(client, resident)
    client.post("/data/requests/new/", VALID)
    assert DataRequest.objects.get().requester == resident


def test_the_related_data_set_is_named_from_its_page(client, departments) -> None:
    create_dataset(departments["koseki"], name="parks", title="公園一覧", state="active")
    create_dataset(departments["koseki"], name="draft", title="下書き", state="draft")
    assert "/data/requests/new/?dataset=parks" in client.get("/data/parks/").content.decode()
    form = client.get("/data/requests/new/?dataset=parks").content.decode()
    assert 'value="parks"' in form and "データセット「公園一覧」についてのリクエストです。" in form
    for hidden_or_missing in ["draft", "nothing", "x" * 500]:
        form = client.get(f"/data/requests/new/?dataset={hidden_or_missing}")
        assert form.status_code == 200 and "下書き" not in form.content.decode()
        assert 'name="dataset" value' not in form.content.decode()
    client.post("/data/requests/new/", {**VALID, "dataset": "parks"})
    dataset = DataRequest.objects.get().dataset
    assert dataset is not None and dataset.name == "parks"
    page = client.get(f"/data/requests/{DataRequest.objects.get().pk}/").content.decode()
    assert 'href="/data/parks/"' in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "欲しいデータ"),
        ({"description": "   "}, "データの内容"),
        ({"title": "あ" * 201}, "200 文字以下"),
        ({"requester_email": "not-an-address"}, "メールアドレス"),
        ({"department": "99999"}, "担当課"),
        ({"dataset": "no-such-data"}, "選択"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(
    client, departments, change: dict[str, str], message: str
) -> None:
    response = client.post("/data/requests/new/", {**VALID, **change})
    assert response.status_code == 400
    page = response.content.decode()
    assert "入力内容を確認してください" in page and message in page
    assert not DataRequest.objects.exists()


def test_the_honeypot_refuses_robots(client, departments) -> None:
    response = client.post("/data/requests/new/", {**VALID, "website": "http://spam.example"})
    assert response.status_code == 400
    assert "送信できませんでした" in response.content.decode()
    assert not DataRequest.objects.exists() and not DataRequestFiling.objects.exists()


def test_the_sixth_request_in_an_hour_gets_a_429_in_japanese(client, departments) -> None:
    for _ in range(5):
        assert client.post("/data/requests/new/", VALID).status_code == 302
    response = client.post("/data/requests/new/", VALID)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "1時間ほどたってから" in response.content.decode()
    assert DataRequest.objects.count() == 5


def test_the_list_filters_by_status_and_hides_withdrawn_from_public(
    client, departments, verified_staff
) -> None:
    answered = file(title="保育園の空き状況", department=departments["koseki"])
    file(title="公園の遊具")
    hidden = file(title="個人名入りの要望", department=departments["koseki"])
    clerk = verified_staff("clerk")
    data_requests.answer_request(clerk, answered, status="published", answer="公開しました")
    data_requests.answer_request(clerk, hidden, status="declined", answer="-", is_public=False)
    page = client.get("/data/requests/", {"status": "published"}).content.decode()
    assert "保育園の空き状況" in page and "公園の遊具" not in page
    everything = client.get("/data/requests/").content.decode()
    assert "公園の遊具" in everything and "個人名入りの要望" not in everything
    assert client.get(f"/data/requests/{hidden.pk}/").status_code == 404
    detail = client.get(f"/data/requests/{answered.pk}/").content.decode()
    assert "公開しました" in detail and "公開済み" in detail and "新規" in detail
    assert client.get("/data/requests/", {"status": "bogus"}).status_code == 400
    assert client.get("/data/requests/", {"page": "x"}).status_code == 200


def test_requests_is_not_a_data_set_name(client, departments, verified_staff) -> None:
    from jichitai.opendata.services.editing import InvalidFields, add_dataset

    clerk = verified_staff("clerk")
    with pytest.raises(InvalidFields) as refused:
        add_dataset(clerk, departments["koseki"], fields={"name": "requests", "title": "x"})
    assert "name" in refused.value.errors
    assert client.get("/data/requests/").status_code == 200
    assert client.get("/data/requests/12345/").status_code == 404


def test_the_portal_links_to_data_requests(client, departments) -> None:
    page = client.get("/data/").content.decode()
    assert 'href="/data/requests/"' in page and "欲しいデータを要望する" in page


def test_in_english_the_form_and_its_answer_mail_are_english(
    client, departments, verified_staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    client.cookies["django_language"] = "en"
    form = client.get("/data/requests/new/").content.decode()
    assert "Send the request" in form and "Leave this field empty" in form
    response = client.post("/data/requests/new/", {**VALID, "title": ""})
    assert "Data wanted" in response.content.decode()
    client.post("/data/requests/new/", {**VALID, "department": departments["koseki"].pk})
    filed = DataRequest.objects.get()
    assert filed.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        data_requests.answer_request(
            verified_staff("clerk"), filed, status="under_review", answer="Looking into it."
        )
    [message] = mailoutbox
    assert (
        message.subject.startswith("[Open Data] Data request") and "Under review" in message.subject
    )
    assert "Answer from the department" in message.body
