"""Who sees which applications: residents their own, staff their departments' (担当課)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jichitai.accounts.policies import is_verified_staff
from jichitai.procedures.models import Application


def applications_visible_to_staff(user: Any) -> QuerySet[Application]:
    """Applications for procedures owned by the departments where this member of staff holds a
    department role (担当者, 承認者, 所属管理者). Organisation-wide roles (system administrator,
    auditor) see no cases: least privilege over residents' personal data."""
    if not is_verified_staff(user):
        return Application.objects.none()
    departments = [department.pk for department in user.role_departments()]
    return Application.objects.filter(procedure__department__in=departments)
