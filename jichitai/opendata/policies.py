"""Who may see and change data sets.

Published data sets (公開, not private) are for everyone, signed in or not. Drafts and private
data sets are seen only by staff of the owning department (課); deleted ones by nobody.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jichitai.accounts.policies import departments_visible_to
from jichitai.opendata.models import Dataset, State

PUBLISHED = Q(state=State.ACTIVE, private=False)


def datasets_visible_to(user: Any) -> QuerySet[Dataset]:
    """Every data set this user may read: the published ones, and their departments' others."""
    departments = departments_visible_to(user)
    own = Q(owner_org__in=departments) & ~Q(state=State.DELETED)
    return Dataset.objects.filter(PUBLISHED | own)


def published_datasets() -> QuerySet[Dataset]:
    return Dataset.objects.filter(PUBLISHED)
