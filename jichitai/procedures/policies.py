"""Who sees which applications: residents their own, staff their departments' (担当課)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jichitai.accounts.policies import is_verified_staff
from jichitai.accounts.roles import Role
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
