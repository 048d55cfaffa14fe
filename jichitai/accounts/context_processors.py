from __future__ import annotations

from django.http import HttpRequest

from jichitai.accounts import policies
from jichitai.accounts.roles import BUILD_PROCEDURES
from jichitai.governance.policies import can_view_audit_log


def roles(request: HttpRequest) -> dict[str, object]:
    """What the navigation may offer the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_staff": policies.is_verified_staff(user),
        "nav_audit_log": policies.is_verified_staff(user) and can_view_audit_log(user),
        "nav_manage_staff": policies.can_manage_staff(user),
        "nav_build_procedures": policies.is_verified_staff(user)
        and user.has_perm(BUILD_PROCEDURES),
    }
