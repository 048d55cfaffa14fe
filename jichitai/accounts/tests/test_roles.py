"""Granting and revoking roles: who may, and every change audited."""

import pytest

from jichitai.accounts import services
from jichitai.accounts.models import StaffRole
from jichitai.core.errors import DomainError
from jichitai.governance.models import AuditEvent

pytestmark = pytest.mark.django_db


def _verified(user):
    """Services check the second factor as views do; mark the in-memory user verified."""
    user.is_verified = lambda: True
    return user


def test_system_admin_grants_an_organisation_role_through_the_page(
    client, make_staff, signed_in
) -> None:
    admin = make_staff("system_admin")
    member = make_staff("clerk")
    signed_in(client, admin)
    response = client.post(f"/staff/members/{member.pk}/", {"role": "auditor"})
    assert response.status_code == 302
    assert member.staff_roles.filter(role="auditor", department=None).exists()
    event = AuditEvent.objects.get(action="role.grant", outcome="success")
    assert (event.actor_id, event.subject_id, event.detail["role"]) == (
        admin.pk,
        member.pk,
        "auditor",
    )


def test_department_admin_grants_roles_only_in_their_department(make_staff, departments) -> None:
    depadmin = _verified(make_staff("department_admin", department="koseki"))
    member = make_staff("clerk", department="koseki")
    services.grant_role(depadmin, member=member, role="approver", department=departments["koseki"])
    with pytest.raises(DomainError) as error:
        services.grant_role(
            depadmin, member=member, role="approver", department=departments["kazei"]
        )
    assert error.value.code == "role.forbidden"
    with pytest.raises(DomainError) as error:
        services.grant_role(depadmin, member=member, role="system_admin", department=None)
    assert error.value.code == "role.forbidden"
    assert AuditEvent.objects.filter(action="role.grant", outcome="denied").count() == 2


def test_department_role_needs_a_department(client, make_staff, signed_in) -> None:
    admin = make_staff("system_admin")
    member = make_staff("clerk")
    signed_in(client, admin)
    response = client.post(f"/staff/members/{member.pk}/", {"role": "approver", "department": ""})
    assert response.status_code == 400
    assert response.context["form"].has_error("department")
    assert not member.staff_roles.filter(role="approver").exists()


def test_duplicate_role_is_refused(make_staff, departments) -> None:
    admin = _verified(make_staff("system_admin"))
    member = make_staff("clerk", department="koseki")
    with pytest.raises(DomainError) as error:
        services.grant_role(admin, member=member, role="clerk", department=departments["koseki"])
    assert error.value.code == "role.duplicate"


def test_residents_cannot_hold_roles(make_staff, make_user, departments) -> None:
    admin = _verified(make_staff("system_admin"))
    with pytest.raises(DomainError) as error:
        services.grant_role(
            admin, member=make_user("resident"), role="clerk", department=departments["koseki"]
        )
    assert error.value.code == "role.not_staff"


def test_revoking_is_audited_and_an_admin_cannot_revoke_their_own_admin_role(
    client, make_staff, signed_in
) -> None:
    admin = make_staff("system_admin")
    member = make_staff("clerk")
    signed_in(client, admin)
    role = member.staff_roles.get()
    client.post(f"/staff/members/{member.pk}/roles/{role.pk}/revoke/")
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoke", subject_id=member.pk).exists()
    own = admin.staff_roles.get()
    client.post(f"/staff/members/{admin.pk}/roles/{own.pk}/revoke/")
    assert StaffRole.objects.filter(pk=own.pk).exists()


def test_viewing_a_staff_member_is_audited_as_personal_data(client, make_staff, signed_in) -> None:
    admin = make_staff("system_admin")
    member = make_staff("clerk")
    signed_in(client, admin)
    client.get(f"/staff/members/{member.pk}/")
    event = AuditEvent.objects.get(action="personal_data.view")
    assert event.subject_id == member.pk and event.fields == ["display_name", "email"]


def test_staff_list_query_count_is_flat(
    client, make_staff, signed_in, django_assert_max_num_queries
) -> None:
    signed_in(client, make_staff("system_admin"))
    for _ in range(15):
        make_staff("clerk", "approver")
    with django_assert_max_num_queries(12):
        assert client.get("/staff/members/").status_code == 200


def test_create_staff_command_makes_the_first_administrator(monkeypatch) -> None:
    from django.core.management import call_command

    from jichitai.accounts.models import User

    monkeypatch.setenv("JICHITAI_NEW_PASSWORD", "a long and unusual passphrase")
    call_command(
        "create_staff", "--email", "Admin@Example.jp", "--name", "管理者", "--role", "system_admin"
    )
    admin = User.objects.get(email="admin@example.jp")
    assert admin.is_staff_member and admin.has_role("system_admin")
    assert AuditEvent.objects.filter(action="account.create_staff", subject_id=admin.pk).exists()


def test_role_choice_is_a_labelled_radio_group_linked_from_the_error_summary(
    client, make_staff, signed_in
) -> None:
    admin = make_staff("system_admin")
    member = make_staff("clerk")
    signed_in(client, admin)
    body = client.post(f"/staff/members/{member.pk}/", {}).content.decode()
    assert "<fieldset" in body and "<legend" in body
    assert 'href="#id_role_0"' in body and 'id="id_role_0"' in body
