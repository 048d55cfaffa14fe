"""Who may read the audit log. Roles are granted in accounts; here we ask for the permission."""

from __future__ import annotations

from typing import Any

VIEW_AUDIT_LOG = "governance.view_auditevent"


def can_view_audit_log(user: Any) -> bool:
    """Auditors (監査担当) only: administrators' own actions are in the log they would read."""
    return bool(user.is_authenticated and user.has_perm(VIEW_AUDIT_LOG))
