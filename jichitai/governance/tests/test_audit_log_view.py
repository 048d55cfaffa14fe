"""Auditors browse and filter the audit log; nobody else can."""

import pytest

from jichitai.governance import services
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_auditor_sees_and_filters_entries(client, make_staff, signed_in) -> None:
    auditor = make_staff("auditor")
    services.record_event("auth.sign_in", actor_label="hanako@example.jp")
    services.record_event("role.grant", actor_label="admin@example.jp")
    signed_in(client, auditor)
    response = client.get("/staff/audit/", {"action": "role.grant"})
    assert response.status_code == 200
    page = list(response.context["page"])
    assert [event.action for event in page] == ["role.grant"]
    assert "admin@example.jp" in response.content.decode()


def test_reading_the_log_is_itself_audited(client, make_staff, signed_in) -> None:
    auditor = make_staff("auditor")
    signed_in(client, auditor)
    client.get("/staff/audit/")
    assert AuditEvent.objects.filter(action="audit_log.view", actor_id=auditor.pk).exists()


def test_bad_filter_shows_errors_and_no_entries(client, make_staff, signed_in) -> None:
    signed_in(client, make_staff("auditor"))
    services.record_event("auth.sign_in")
    response = client.get("/staff/audit/", {"since": "2026-05-01", "until": "2026-04-01"})
    assert response.status_code == 200
    assert "終了日は開始日以降" in response.content.decode()
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("role", ["clerk", "approver", "department_admin", "system_admin"])
def test_other_staff_are_refused_and_the_attempt_recorded(
    client, make_staff, signed_in, role
) -> None:
    member = make_staff(role)
    signed_in(client, member)
    assert client.get("/staff/audit/").status_code == 403
    assert AuditEvent.objects.filter(
        action="audit_log.view", outcome="denied", actor_id=member.pk
    ).exists()


def test_list_query_count_does_not_grow_with_entries(
    client, make_staff, signed_in, django_assert_max_num_queries
) -> None:
    signed_in(client, make_staff("auditor"))
    for number in range(60):
        services.record_event(f"test.event{number % 3}")
    with django_assert_max_num_queries(20):
        assert client.get("/staff/audit/").status_code == 200


def test_htmx_filtering_returns_only_the_fragment(client, make_staff, signed_in) -> None:
    signed_in(client, make_staff("auditor"))
    services.record_event("role.grant")
    full = client.get("/staff/audit/", {"action": "role.grant"}).content.decode()
    fragment = client.get(
        "/staff/audit/", {"action": "role.grant"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" in full and "<html" not in fragment
    assert fragment.strip().startswith('<div id="audit-log">')
    assert "role.grant" in fragment
