"""Who may see and change data sets.

Published data sets (公開, not private) are for everyone, signed in or not. Drafts and private
data sets are seen only by staff of the owning department (課); deleted ones by nobody.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jichitai.accounts.policies import departments_visible_to, is_verified_staff
from jichitai.accounts.roles import MANAGE_ALL_STAFF, Role
from jichitai.opendata.models import DataRequest, Dataset, State

PUBLISHED = Q(state=State.ACTIVE, private=False)


def datasets_visible_to(user: Any) -> QuerySet[Dataset]:
    """Every data set this user may read: the published ones, and their departments' others."""
    departments = departments_visible_to(user)
    own = Q(owner_org__in=departments) & ~Q(state=State.DELETED)
    return Dataset.objects.filter(PUBLISHED | own)


def published_datasets() -> QuerySet[Dataset]:
    return Dataset.objects.filter(PUBLISHED)


def can_edit_dataset(user: Any, dataset: Dataset) -> bool:
    """Staff of the owning department (課) draft, upload to and publish its data sets."""
    return departments_visible_to(user).filter(pk=dataset.owner_org_id).exists()


def can_create_dataset_in(user: Any, department: Any) -> bool:
    """Staff draft new data sets for their own departments (課) only, and only active ones."""
    return bool(
        department.is_active and departments_visible_to(user).filter(pk=department.pk).exists()
    )


def departments_for_new_datasets(user: Any) -> QuerySet[Any]:
    return departments_visible_to(user).filter(is_active=True).order_by("code")


def can_publish_dataset(user: Any, dataset: Dataset) -> bool:
    """Publishing, withdrawing and deleting a data set take an approver (承認者) or the
    department's administrator: a clerk (担当者) drafts, someone else lets it out."""
    return _decides_for(user, dataset)


def _decides_for(user: Any, dataset: Dataset) -> bool:
    if not can_edit_dataset(user, dataset):
        return False
    if user.has_perm(MANAGE_ALL_STAFF):
        return True
    deciders = user.role_departments(Role.APPROVER, Role.DEPARTMENT_ADMIN)
    return any(unit.pk == dataset.owner_org_id for unit in deciders)


def can_clear_personal_data(user: Any, dataset: Dataset) -> bool:
    """Clearing a personal-data block takes an approver (承認者) or the department's
    administrator: the clerk who uploaded a file does not vouch for it alone."""
    return _decides_for(user, dataset)


def data_requests_handled_by(user: Any) -> QuerySet[DataRequest]:
    """Data requests in this staff member's inbox: their departments' requests, and for a
    system administrator every request, including those no department has yet."""
    if not is_verified_staff(user):
        return DataRequest.objects.none()
    if user.has_perm(MANAGE_ALL_STAFF):
        return DataRequest.objects.all()
    return DataRequest.objects.filter(department__in=departments_visible_to(user))


def can_answer_data_request(user: Any, data_request: DataRequest) -> bool:
    """Staff of the concerned department answer; a request without one waits to be assigned."""
    if data_request.department_id is None:
        return False
    return departments_visible_to(user).filter(pk=data_request.department_id).exists()


def can_assign_data_request(user: Any) -> bool:
    """Only a system administrator sends a request to a department (the requester may have
    named one, or none)."""
    return is_verified_staff(user) and user.has_perm(MANAGE_ALL_STAFF)
