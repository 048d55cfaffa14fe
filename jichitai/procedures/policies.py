"""Who sees which applications: residents their own, staff their departments' (担当課)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jichitai.accounts.policies import is_verified_staff
from jichitai.accounts.roles import BUILD_PROCEDURES, EXPORT_APPLICATIONS, ROLE_PERMISSIONS, Role
from jichitai.core.models import OrgUnit
from jichitai.notifications.models import OutboundEmail
from jichitai.procedures.models import Application, Procedure


def applications_visible_to_staff(user: Any) -> QuerySet[Application]:
    """Applications for procedures owned by the departments where this member of staff holds a
    department role (担当者, 承認者, 所属管理者). Organisation-wide roles (system administrator,
    auditor) see no cases: least privilege over residents' personal data."""
    if not is_verified_staff(user):
        return Application.objects.none()
    departments = [department.pk for department in user.role_departments()]
    return Application.objects.filter(procedure__department__in=departments)


def builder_departments(user: Any) -> list[OrgUnit]:
    """Departments (課) whose procedures this member of staff may create and build forms for:
    those where they hold a role granting BUILD_PROCEDURES (the department administrator)."""
    if not is_verified_staff(user):
        return []
    builders = {role for role, granted in ROLE_PERMISSIONS.items() if BUILD_PROCEDURES in granted}
    return user.role_departments(*builders) if builders else []


def procedures_buildable_by(user: Any) -> QuerySet[Procedure]:
    """Procedures whose catalogue entry and form this user may edit; others are not found."""
    departments = [department.pk for department in builder_departments(user)]
    return Procedure.objects.filter(department__in=departments)


def applications_exportable_by(user: Any) -> QuerySet[Application]:
    """Applications this member of staff may download as CSV: those of the departments where
    they hold a role granting `procedures.export_applications` (承認者, 所属管理者)."""
    if not is_verified_staff(user):
        return Application.objects.none()
    departments = [
        role.department_id
        for role in user.active_roles
        if role.department_id and EXPORT_APPLICATIONS in ROLE_PERMISSIONS.get(role.role, ())
    ]
    return Application.objects.filter(procedure__department__in=departments)


def can_export_applications(user: Any) -> bool:
    return is_verified_staff(user) and user.has_perm(EXPORT_APPLICATIONS)


def can_be_assigned(user: Any, department_id: int) -> bool:
    """Whether this person may be given cases of this department (担当者の割当て): active staff
    holding a department role (担当者, 承認者, 所属管理者) there."""
    return bool(
        user.is_active
        and user.is_staff_member
        and any(department.pk == department_id for department in user.role_departments())
    )


def emails_visible_to_staff(user: Any) -> QuerySet[OutboundEmail]:
    """Outbox messages about the cases of the departments where this member of staff holds a
    department role: the same rule as applications_visible_to_staff."""
    if not is_verified_staff(user):
        return OutboundEmail.objects.none()
    departments = [department.pk for department in user.role_departments()]
    return OutboundEmail.objects.filter(department__in=departments)


def can_edit_notification_templates(user: Any, procedure: Any) -> bool:
    """Department administrators (所属管理者) of the procedure's department may word its mail."""
    return is_verified_staff(user) and any(
        department.pk == procedure.department_id
        for department in user.role_departments(Role.DEPARTMENT_ADMIN)
    )


def procedures_with_editable_notifications(user: Any) -> QuerySet[Procedure]:
    """Procedures whose mail this user may word (see can_edit_notification_templates)."""
    if not is_verified_staff(user):
        return Procedure.objects.none()
    departments = [d.pk for d in user.role_departments(Role.DEPARTMENT_ADMIN)]
    return Procedure.objects.filter(department__in=departments)
