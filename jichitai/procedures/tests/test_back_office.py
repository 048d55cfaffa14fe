"""Each department's inbox: only its own applications, filters, and audited views."""

import datetime as dt

import pytest

from jichitai.governance.models import AuditEvent
from jichitai.procedures.models import Application
from jichitai.procedures.tests.conftest import apply_with_note, open_for_notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications(catalogue, make_user):
    """One application to 戸籍住民課 (koseki) and one to 課税課 (kazei)."""
    resident = make_user("resident")
    return {
        "koseki": apply_with_note(resident, open_for_notes(catalogue["jido"])),
        "kazei": apply_with_note(resident, open_for_notes(catalogue["gomi"])),
    }


def test_a_clerk_sees_only_their_departments_applications(
    client, make_staff, signed_in, applications
) -> None:
    signed_in(client, make_staff("clerk", department="koseki"))
    page = client.get("/staff/applications/")
    assert [a.receipt_number for a in page.context["page"]] == [
        applications["koseki"].receipt_number
    ]
    assert (
        client.get(f"/staff/applications/{applications['kazei'].receipt_number}/").status_code
        == 404
    )
    detail = client.get(f"/staff/applications/{applications['koseki'].receipt_number}/")
    assert detail.status_code == 200 and "テスト" in detail.content.decode()


def test_opening_an_application_is_audited_as_a_personal_data_view(
    client, make_staff, signed_in, applications
) -> None:
    clerk = make_staff("clerk", department="koseki")
    signed_in(client, clerk)
    client.get(f"/staff/applications/{applications['koseki'].receipt_number}/")
    event = AuditEvent.objects.get(action="personal_data.view", actor_id=clerk.pk)
    assert event.subject_id == applications["koseki"].applicant_id
    assert event.fields == ["note"] and event.detail == {"purpose": "application.review"}


@pytest.mark.parametrize("role", ["system_admin", "auditor"])
def test_organisation_wide_roles_see_no_cases(
    client, make_staff, signed_in, applications, role
) -> None:
    signed_in(client, make_staff(role))
    assert list(client.get("/staff/applications/").context["page"]) == []
    assert (
        client.get(f"/staff/applications/{applications['koseki'].receipt_number}/").status_code
        == 404
    )


def test_residents_and_visitors_are_kept_out(client, make_user, signed_in, applications) -> None:
    assert client.get("/staff/applications/")["Location"].startswith("/accounts/sign-in/")
    signed_in(client, applications["koseki"].applicant)
    assert client.get("/staff/applications/").status_code == 403
    assert (
        client.get(f"/staff/applications/{applications['koseki'].receipt_number}/").status_code
        == 403
    )


def test_filters_and_overdue(client, make_staff, signed_in, applications) -> None:
    signed_in(client, make_staff("clerk", department="koseki"))
    koseki = applications["koseki"]
    by_number = client.get(
        "/staff/applications/", {"receipt_number": koseki.receipt_number.lower().replace("-", "")}
    )
    assert [a.pk for a in by_number.context["page"]] == [koseki.pk]
    assert list(client.get("/staff/applications/", {"overdue": "on"}).context["page"]) == []
    Application.objects.filter(pk=koseki.pk).update(due_date=dt.date(2020, 1, 6))
    overdue = client.get("/staff/applications/", {"overdue": "on"})
    assert [a.pk for a in overdue.context["page"]] == [koseki.pk]
    assert "期限超過" in overdue.content.decode()
    bad = client.get("/staff/applications/", {"status": "lost"})
    assert bad.status_code == 400 and bad.context["form"].has_error("status", "invalid_choice")


def test_inbox_query_count_is_flat(
    client, make_staff, signed_in, applications, make_user, catalogue, django_assert_max_num_queries
) -> None:
    signed_in(client, make_staff("clerk", department="koseki"))
    for _ in range(10):
        apply_with_note(make_user("resident"), catalogue["jido"])
    with django_assert_max_num_queries(12):
        assert client.get("/staff/applications/").status_code == 200
