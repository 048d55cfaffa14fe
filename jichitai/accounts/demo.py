"""Demo accounts for `make run` (sample data; never loaded in production mode).

Every account shares one demo password, printed by `make run`. Staff enrol an authenticator
app at their first sign-in, as real staff do.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.identity import services as identity_services
from jichitai.accounts.identity.providers import providers_for
from jichitai.accounts.models import IdentityVerification, StaffRole, User
from jichitai.accounts.roles import Role
from jichitai.core.models import OrgUnit

DEMO_PASSWORD = "ota-demo-password-2026"  # noqa: S105  (demo only; refused in production)

Account = tuple[str, str, str, list[tuple[str, str | None]]]


def _department_staff(email: str, name: str, code: str, department_name: str) -> Account:
    return (
        email,
        f"{name}（サンプル・{department_name} 担当者・承認者）",
        User.Kind.STAFF,
        [(Role.CLERK, code), (Role.APPROVER, code)],
    )


# (email, display name, kind, [(role, department code or None)])
DEMO_ACCOUNTS: list[Account] = [
    ("resident@example.jp", "大田 花子（サンプル）", User.Kind.RESIDENT, []),
    ("resident2@example.jp", "蒲田 次郎（サンプル）", User.Kind.RESIDENT, []),
    ("resident3@example.jp", "大森 三奈（サンプル）", User.Kind.RESIDENT, []),
    # A fictional company, for the procedures businesses apply for (道路占用許可申請).
    ("business@example.jp", "株式会社おおた例建設（サンプル）", User.Kind.RESIDENT, []),
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
    # One member of staff in each other department with a demo procedure, holding both roles
    # there, so that every procedure's sample applications have someone to see and decide
    # them (and nobody else sees them: department scoping).
    *[
        _department_staff(*entry)
        for entry in [
            ("seiso@example.jp", "久が原 清", "seiso-ka", "清掃事業課"),
            ("eisei@example.jp", "雪谷 守", "seikatsueisei-ka", "生活衛生課"),
            ("kosodate@example.jp", "千鳥 育", "kosodateshien-ka", "子育て支援課"),
            ("hoiku@example.jp", "鵜の木 保", "hoikuservice-ka", "保育サービス課"),
            ("doro@example.jp", "平和島 道", "dorokoen-ka", "道路公園課"),
            ("shisetsu@example.jp", "六郷 集", "chiikiryoku-ka", "地域力推進課"),
        ]
    ],
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


def demo_staff(role: str, department_code: str) -> str | None:
    """The email of the first demo account holding `role` in that department, if any."""
    return next(
        (email for email, _name, _kind, roles in DEMO_ACCOUNTS if (role, department_code) in roles),
        None,
    )


def verify_identity(user: User) -> IdentityVerification:
    """Record a verification of a demo resident at the sample identity provider, as its
    callback does after the resident picks a test person, so that the demo can file sample
    applications for procedures that require one. Like any, it lasts
    JICHITAI_IDENTITY_VERIFICATION_SECONDS."""
    provider = next(iter(providers_for("verified")), None)
    if provider is None:
        raise RuntimeError(
            "The demo's sample applications need an identity provider giving the 'verified' "
            "level (JICHITAI_OIDC_PROVIDERS; the default is the sample provider)."
        )
    claims = {"sub": f"demo:{user.email}", "name": user.display_name}
    return identity_services.record_verification(
        user, provider.key, provider.level, provider.issuer, claims
    )
