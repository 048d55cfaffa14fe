"""Staff roles and the permissions each grants.

Department roles (担当者, 承認者, 所属管理者) are held in one department (課); the system
administrator and auditor roles are organisation-wide. Modules add their permissions here
as they arrive, so the whole role model reads in one place.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("担当者")
    APPROVER = "approver", _("承認者")
    DEPARTMENT_ADMIN = "department_admin", _("所属管理者")
    SYSTEM_ADMIN = "system_admin", _("システム管理者")
    AUDITOR = "auditor", _("監査担当")


DEPARTMENT_ROLES = frozenset({Role.CLERK, Role.APPROVER, Role.DEPARTMENT_ADMIN})
ORGANISATION_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.AUDITOR})

MANAGE_ALL_STAFF = "accounts.manage_all_staff"
MANAGE_DEPARTMENT_STAFF = "accounts.manage_department_staff"
VIEW_AUDIT_LOG = "governance.view_auditevent"
# Create procedures and build their forms in the department's own catalogue (form builder).
BUILD_PROCEDURES = "procedures.build_procedures"
# Downloading a department's applications as CSV: many residents' data at once, so not every
# clerk; approvers and department administrators, in their own departments only.
EXPORT_APPLICATIONS = "procedures.export_applications"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset(),
    Role.APPROVER: frozenset({EXPORT_APPLICATIONS}),
    Role.DEPARTMENT_ADMIN: frozenset(
        {MANAGE_DEPARTMENT_STAFF, BUILD_PROCEDURES, EXPORT_APPLICATIONS}
    ),
    Role.SYSTEM_ADMIN: frozenset({MANAGE_ALL_STAFF}),
    # Separation of duties: administrators do not read the log of their own actions.
    Role.AUDITOR: frozenset({VIEW_AUDIT_LOG}),
}
