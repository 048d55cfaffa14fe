"""Who may do what with accounts, and which departments and staff each user can see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jichitai.accounts.models import User
from jichitai.accounts.roles import (
    DEPARTMENT_ROLES,
    MANAGE_ALL_STAFF,
    MANAGE_DEPARTMENT_STAFF,
    Role,
)
from jichitai.core.models import OrgUnit


def is_signed_in_resident(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_resident)


def is_verified_staff(user: Any) -> bool:
    """Staff who signed in with their second factor (every staff session must have)."""
    return bool(user.is_authenticated and user.is_staff_member and user.is_verified())


def departments_visible_to(user: Any) -> QuerySet[OrgUnit]:
    """Departments (課) whose work this user may see: all for a system administrator, the
    departments of their roles for other staff, none for anyone else.

    Modules filter their own objects with this, so that staff see only their department's.
    """
    if not is_verified_staff(user):
        return OrgUnit.objects.none()
    if user.has_perm(MANAGE_ALL_STAFF):
        return OrgUnit.objects.filter(level=OrgUnit.Level.DEPARTMENT)
    return OrgUnit.objects.filter(pk__in=[d.pk for d in user.role_departments()])


def managed_departments(user: Any) -> QuerySet[OrgUnit]:
    """Departments in which this user may grant and revoke department roles."""
    if not is_verified_staff(user):
        return OrgUnit.objects.none()
    if user.has_perm(MANAGE_ALL_STAFF):
        return OrgUnit.objects.filter(level=OrgUnit.Level.DEPARTMENT, is_active=True)
    departments = user.role_departments(Role.DEPARTMENT_ADMIN)
    return OrgUnit.objects.filter(pk__in=[d.pk for d in departments])


def can_manage_staff(user: Any) -> bool:
    return is_verified_staff(user) and (
        user.has_perm(MANAGE_ALL_STAFF) or user.has_perm(MANAGE_DEPARTMENT_STAFF)
    )


def staff_visible_to(user: Any) -> QuerySet[User]:
    """Staff accounts this user may look at and manage: everyone for a system administrator,
    the members of their departments for a department administrator (所属管理者)."""
    staff = User.objects.filter(kind=User.Kind.STAFF)
    if not can_manage_staff(user):
        return staff.none()
    if user.has_perm(MANAGE_ALL_STAFF):
        return staff
    return staff.filter(staff_roles__department__in=managed_departments(user)).distinct()


def can_grant_role(user: Any, role: str, department: OrgUnit | None) -> bool:
    """Organisation-wide roles only by a system administrator; department roles by a
    system administrator or that department's administrator."""
    if not is_verified_staff(user):
        return False
    if role in DEPARTMENT_ROLES:
        return (
            department is not None and managed_departments(user).filter(pk=department.pk).exists()
        )
    return user.has_perm(MANAGE_ALL_STAFF)
