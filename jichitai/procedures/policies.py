"""Who sees which applications: residents their own, staff their departments' (担当課)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jichitai.accounts.policies import is_verified_staff
from jichitai.accounts.roles import BUILD_PROCEDURES, ROLE_PERMISSIONS
from jichitai.core.models import OrgUnit
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
