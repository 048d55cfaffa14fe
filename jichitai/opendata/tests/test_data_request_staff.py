"""The staff inbox of data requests: who sees, answers and assigns what."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.opendata.models import DataRequest
from jichitai.opendata.services import data_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(departments: dict[str, Any]) -> dict[str, DataRequest]:
    return {
        "koseki": data_requests.file_request(
            title="転入者数の月別推移",
            description="町丁目別",
            requester_email="papa@example.jp",
            department=departments["koseki"],
        ),
        "unassigned": data_requests.file_request(title="公園の遊具", description="種類と設置年"),
    }


def person(kind: str, make_user: Any, make_staff: Any) -> Any:
    return {
        "anonymous": None,
        "resident": lambda: make_user("resident"),
        "other_department": lambda: make_staff("clerk", department="kazei"),
        "clerk": lambda: make_staff("clerk", department="koseki"),
        "sysadmin": lambda: make_staff("system_admin"),
    }[kind]


# (who, inbox, koseki detail, unassigned detail, may answer koseki, may assign)
MATRIX = [
    ("anonymous", 302, 302, 302, 302, 302),
    ("resident", 403, 403, 403, 403, 403),
    ("other_department", 200, 404, 404, 404, 404),
    ("clerk", 200, 200, 404, 302, 404),
    ("sysadmin", 200, 200, 200, 302, 302),
]


@pytest.mark.parametrize(("who", "inbox", "detail", "unassigned", "answer", "assign"), MATRIX)
def test_permission_matrix(
    client,
    make_user,
    make_staff,
    signed_in,
    departments,
    requests,
    who: str,
    inbox: int,
    detail: int,
    unassigned: int,
    answer: int,
    assign: int,
) -> None:
    make = person(who, make_user, make_staff)
    if make is not None:
        signed_in(client, make())
    koseki, other = requests["koseki"], requests["unassigned"]
    listing = client.get("/staff/data/requests/")
    assert listing.status_code == inbox
    if inbox == 200:
        page = listing.content.decode()
        assert ("転入者数の月別推移" in page) == (detail == 200)
        assert ("公園の遊具" in page) == (unassigned == 200)
    assert client.get(f"/staff/data/requests/{koseki.pk}/").status_code == detail
    assert client.get(f"/staff/data/requests/{other.pk}/").status_code == unassigned
    answered = client.post(
        f"/staff/data/requests/{koseki.pk}/answer/",
        {"status": "under_review", "answer": "", "is_public": "on"},
    )
    assert answered.status_code == answer
    koseki.refresh_from_db()
    assert (koseki.status == "under_review") == (answer == 302 and who != "anonymous")
    assigned = client.post(
        f"/staff/data/requests/{other.pk}/assign/", {"department": departments["kazei"].pk}
    )
    assert assigned.status_code == assign
    other.refresh_from_db()
    assert (other.department_id is not None) == (who == "sysadmin")


def test_a_clerk_answers_by_form_and_the_public_sees_it(
    client, make_staff, signed_in, requests, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    signed_in(client, make_staff("clerk"))
    koseki = requests["koseki"]
    page = client.get(f"/staff/data/requests/{koseki.pk}/").content.decode()
    assert "回答を保存すると、リクエストした人にメールで知らせます。" in page
    assert "papa@example.jp" not in page  # staff need not read the address either
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/data/requests/{koseki.pk}/answer/",
            {
                "status": "published",
                "answer": "「人口動態」として公開しました。",
                "is_public": "on",
            },
        )
    assert response.status_code == 302
    assert "回答を保存しました。" in client.get(response["Location"]).content.decode()
    [message] = mailoutbox
    assert message.to == ["papa@example.jp"] and "公開済み" in message.subject
    public = client.get(f"/data/requests/{koseki.pk}/").content.decode()
    assert "「人口動態」として公開しました。" in public and "公開済み" in public


def test_a_bad_answer_gets_a_clear_error_and_changes_nothing(
    client, make_staff, signed_in, requests
) -> None:
    signed_in(client, make_staff("clerk"))
    koseki = requests["koseki"]
    for data, message in [
        ({"status": "declined", "answer": ""}, "この状況にするときは、回答を入力してください。"),
        ({"status": "bogus", "answer": "x"}, "正しく選択してください"),
        ({"status": "published", "answer": "あ" * 4001}, "4000 文字以下"),
    ]:
        response = client.post(f"/staff/data/requests/{koseki.pk}/answer/", data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "入力内容を確認してください" in page and message in page
    koseki.refresh_from_db()
    assert koseki.status == "new" and koseki.events.count() == 1


def test_hiding_a_request_takes_it_off_the_public_list(
    client, make_staff, signed_in, requests
) -> None:
    signed_in(client, make_staff("clerk"))
    koseki = requests["koseki"]
    client.post(
        f"/staff/data/requests/{koseki.pk}/answer/",
        {"status": "declined", "answer": "個人を特定できる内容のため非公開にしました。"},
    )
    koseki.refresh_from_db()
    assert not koseki.is_public
    client.logout()
    assert client.get(f"/data/requests/{koseki.pk}/").status_code == 404


def test_a_sysadmin_must_choose_a_department(client, make_staff, signed_in, requests) -> None:
    signed_in(client, make_staff("system_admin"))
    other = requests["unassigned"]
    response = client.post(f"/staff/data/requests/{other.pk}/assign/", {"department": ""})
    assert response.status_code == 400 and "担当課" in response.content.decode()
    page = client.get(f"/staff/data/requests/{other.pk}/").content.decode()
    assert "担当課が決まると、担当課の職員が回答します。" in page


def test_staff_find_the_inbox_from_their_menu(client, make_staff, signed_in) -> None:
    signed_in(client, make_staff("clerk"))
    assert 'href="/staff/data/requests/"' in client.get("/staff/").content.decode()
    assert 'href="/staff/data/requests/"' in client.get("/staff/data/").content.decode()


@pytest.mark.parametrize("suffix", ["", "answer/", "assign/"])
def test_unknown_and_absurd_ids_are_404(client, make_staff, signed_in, suffix: str) -> None:
    signed_in(client, make_staff("system_admin"))
    for request_id in ["424242", "9" * 30]:
        url = f"/staff/data/requests/{request_id}/{suffix}"
        response = client.post(url, {}) if suffix else client.get(url)
        assert response.status_code == 404
    assert client.get("/data/requests/" + "9" * 30 + "/").status_code == 404
