"""The inbox's search and filters: receipt numbers however typed, names in kanji or kana in
any width, answer text, submitted dates; on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest
from django.utils import timezone

from jichitai.procedures import answer_table
from jichitai.procedures.models import Application
from jichitai.procedures.tests.casework_helpers import apply_with_name, open_for_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(catalogue, make_user):
    procedure = open_for_names(catalogue["jido"])
    return {
        "yamada": apply_with_name(
            make_user("resident"), procedure, "山田", "太郎", "ヤマダ", "タロウ", "粗大ごみ３点"
        ),
        "takahashi": apply_with_name(
            make_user("resident"), procedure, "髙橋", "花子", "たかはし", "はなこ", "ABC株式会社"
        ),
    }


@pytest.fixture
def clerk_client(client, make_staff, signed_in):
    signed_in(client, make_staff("clerk", department="koseki"))
    return client


def _found(client, **query) -> set[int]:
    response = client.get("/staff/applications/", query)
    assert response.status_code == 200
    return {application.pk for application in response.context["page"]}


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("山田", "yamada"),
        ("山田太郎", "yamada"),
        ("山田　太郎", "yamada"),  # full-width space
        ("やまだ", "yamada"),
        ("ヤマダ タロウ", "yamada"),
        ("ﾔﾏﾀﾞ", "yamada"),  # half-width katakana
        ("やまだたろう", "yamada"),
        ("粗大ゴミ", "yamada"),  # answer text, katakana for hiragana
        ("3点", "yamada"),  # full-width digit in the answer
        ("ＡＢＣ", "takahashi"),  # full-width letters
        ("abc株式会社", "takahashi"),
        ("髙橋", "takahashi"),
        ("タカハシ", "takahashi"),
    ],
)
def test_search_by_name_and_answers(clerk_client, people, query, who) -> None:
    assert _found(clerk_client, q=query) == {people[who].pk}


def test_search_by_receipt_number_however_typed(clerk_client, people) -> None:
    number = people["yamada"].receipt_number
    for typed in (number, number.lower(), number.replace("-", ""), number.lower().replace("-", "")):
        assert _found(clerk_client, q=typed) == {people["yamada"].pk}, typed
    assert _found(clerk_client, q="存在しない人") == set()


def test_search_text_is_stored_at_submission(people) -> None:
    stored = Application.objects.get(pk=people["takahashi"].pk)
    assert "たかはしはなこ" in stored.search_text and "髙橋花子" in stored.search_text
    assert stored.receipt_number.replace("-", "").lower() in stored.search_text
    document = stored.form_version.form()
    assert stored.search_text == answer_table.search_text(
        document, stored.answers, stored.receipt_number, stored.applicant.display_name
    )


def test_search_never_reaches_another_departments_applications(
    client, make_staff, signed_in, people
) -> None:
    signed_in(client, make_staff("clerk", department="kazei"))
    assert _found(client, q="山田") == set()


def test_submitted_date_range(clerk_client, people) -> None:
    Application.objects.filter(pk=people["yamada"].pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 4, 1, 23, 30))
    )
    Application.objects.filter(pk=people["takahashi"].pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 4, 2, 0, 10))
    )
    yamada, takahashi = people["yamada"].pk, people["takahashi"].pk
    assert _found(clerk_client, submitted_from="2026-04-01", submitted_to="2026-04-01") == {yamada}
    assert _found(clerk_client, submitted_from="2026-04-02") == {takahashi}
    assert _found(clerk_client, submitted_to="2026-04-02") == {yamada, takahashi}
    bad = clerk_client.get(
        "/staff/applications/", {"submitted_from": "2026-04-03", "submitted_to": "2026-04-01"}
    )
    assert bad.status_code == 400 and bad.context["form"].has_error("submitted_to")
    assert (
        "「申請日（まで）」は「申請日（から）」以降の日付にしてください。" in bad.content.decode()
    )


def test_filters_combine(clerk_client, people) -> None:
    assert _found(clerk_client, q="山田", status="received") == {people["yamada"].pk}
    assert _found(clerk_client, q="山田", status="approved") == set()
    procedure = people["yamada"].procedure.slug
    assert _found(clerk_client, procedure=procedure, q="髙橋") == {people["takahashi"].pk}


def test_the_overdue_view_is_linked_from_the_inbox(clerk_client, people) -> None:
    page = clerk_client.get("/staff/applications/").content.decode()
    assert 'href="/staff/applications/?overdue=on"' in page
    Application.objects.filter(pk=people["yamada"].pk).update(due_date=dt.date(2020, 1, 6))
    Application.objects.filter(pk=people["takahashi"].pk).update(
        due_date=dt.date(2020, 1, 6), status="approved"
    )
    assert _found(clerk_client, overdue="on") == {people["yamada"].pk}


def test_search_text_is_refreshed_when_a_correction_is_answered(people, make_staff) -> None:
    from jichitai.procedures.services import resident_actions, review

    clerk = make_staff("clerk", department="koseki")
    clerk.is_verified = lambda: True
    application = people["yamada"]
    review.move(clerk, application, "under_review")
    review.move(clerk, application, "correction_requested", message="住所を確認してください")
    Application.objects.filter(pk=application.pk).update(search_text="")
    resident_actions.answer_correction(application.applicant, application, message="確認しました")
    application.refresh_from_db()
    assert "やまだたろう" in application.search_text


def test_the_migration_fills_search_text_for_existing_applications(people) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("jichitai.procedures.migrations.0008_casework")
    Application.objects.update(search_text="")
    migration.fill_search_text(apps, None)
    for application in Application.objects.all():
        assert application.search_text == answer_table.search_text_of(application)
        assert application.receipt_number.lower() in application.search_text


def test_a_search_is_audited_without_the_name(clerk_client, people) -> None:
    from jichitai.governance.models import AuditEvent

    _found(clerk_client, status="received")  # filters without a search are not searches
    assert not AuditEvent.objects.filter(action="personal_data.search").exists()
    _found(clerk_client, q="山田　太郎")
    _found(clerk_client, q=" 山田 太郎 ")
    _found(clerk_client, q="髙橋")
    first, again, other = AuditEvent.objects.filter(action="personal_data.search").order_by("pk")
    assert first.actor_id is not None and first.object_type == "procedures.application"
    assert first.detail["purpose"] == "inbox.search"
    assert first.detail["query_length"] == 5
    assert first.detail["found"] == 1 and first.detail["shown"] == [people["yamada"].pk]
    # The same name however typed gives the same digest; the name itself is nowhere.
    assert first.detail["query_digest"] == again.detail["query_digest"]
    assert other.detail["query_digest"] != first.detail["query_digest"]
    for event in (first, again, other):
        stored = str(event.detail) + " ".join(event.fields)
        assert "山田" not in stored and "太郎" not in stored and "髙橋" not in stored


def test_a_bad_search_records_nothing(clerk_client, people) -> None:
    from jichitai.governance.models import AuditEvent

    response = clerk_client.get("/staff/applications/", {"q": "山田", "submitted_from": "x"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="personal_data.search").exists()


def test_an_export_by_search_is_audited_as_a_search(client, make_staff, signed_in, people):
    from jichitai.governance.models import AuditEvent

    signed_in(client, make_staff("approver", department="koseki"))
    assert client.get("/staff/applications/export/", {"q": "山田"}).status_code == 200
    event = AuditEvent.objects.get(action="personal_data.search")
    assert event.detail["purpose"] == "application.export"
    assert event.detail["shown"] == [people["yamada"].pk]
