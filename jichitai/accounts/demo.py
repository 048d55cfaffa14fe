"""Demo accounts for `make run` (sample data; never loaded in production mode).

Every account shares one demo password, printed by `make run`. Staff enrol an authenticator
app at their first sign-in, as real staff do.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.models import StaffRole, User
from jichitai.accounts.roles import Role
from jichitai.core.models import OrgUnit

DEMO_PASSWORD = "ota-demo-password-2026"  # noqa: S105  (demo only; refused in production)

# (email, display name, kind, [(role, department code or None)])
DEMO_ACCOUNTS: list[tuple[str, str, str, list[tuple[str, str | None]]]] = [
    ("resident@example.jp", "大田 花子（サンプル）", User.Kind.RESIDENT, []),
    ("resident2@example.jp", "蒲田 次郎（サンプル）", User.Kind.RESIDENT, []),
    ("resident3@example.jp", "大森 三奈（サンプル）", User.Kind.RESIDENT, []),
    # Like the 2020 cash benefit, the benefit is processed by staff seconded from other
    # departments: the demo clerk and approver hold roles in both.
    (
        "clerk@example.jp",
        "蒲田 太郎（サンプル・担当者）",
        User.Kind.STAFF,
        [(Role.CLERK, "kosekijumin-ka"), (Role.CLERK, "fukushikanri-ka")],
    ),
    (
        "approver@example.jp",
        "田園 調子（サンプル・承認者）",
        User.Kind.STAFF,
        [(Role.APPROVER, "kosekijumin-ka"), (Role.APPROVER, "fukushikanri-ka")],
    ),
    (
        "depadmin@example.jp",
        "羽田 空（サンプル・所属管理者）",
        User.Kind.STAFF,
        [
            (Role.DEPARTMENT_ADMIN, "kosekijumin-ka"),
            (Role.CLERK, "kosekijumin-ka"),
            (Role.DEPARTMENT_ADMIN, "fukushikanri-ka"),
        ],
    ),
    (
        "sysadmin@example.jp",
        "馬込 文（サンプル・システム管理者）",
        User.Kind.STAFF,
        [(Role.SYSTEM_ADMIN, None)],
    ),
    (
        "auditor@example.jp",
        "池上 正（サンプル・監査担当）",
        User.Kind.STAFF,
        [(Role.AUDITOR, None)],
    ),
]


@transaction.atomic
def load() -> None:
    for email, name, kind, roles in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                kind=kind,
                email_verified_at=timezone.now(),
            )
        for role, department_code in roles:
            department = OrgUnit.objects.get(code=department_code) if department_code else None
            StaffRole.objects.get_or_create(user=user, role=role, department=department)
