"""Accounts: one user model for residents and staff, and staff roles per department."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from jichitai.accounts.roles import DEPARTMENT_ROLES, ROLE_PERMISSIONS, Role
from jichitai.core.models import OrgUnit


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None, **fields: Any) -> User:
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user


def normalize_email(email: str) -> str:
    """E-mail addresses are matched case-insensitively; we store them lower-cased and trimmed."""
    return email.strip().lower()


class User(AbstractBaseUser):
    """A person who signs in: a resident (区民) or a member of staff (職員).

    Personal fields: email, display_name (ordinary personal information, 個人情報).
    """

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("区民・事業者")
        STAFF = "staff", _("職員")

    # Classification of personal fields, read by governance's privacy register.
    PERSONAL_FIELDS: ClassVar[dict[str, str]] = {"email": "ordinary", "display_name": "ordinary"}

    # Stored lower-cased (normalize_email), so the plain unique index is case-insensitive.
    email = models.EmailField(_("メールアドレス"), max_length=254, unique=True)
    display_name = models.CharField(_("表示名"), max_length=100)
    preferred_language = models.CharField(
        _("使用言語"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    kind = models.CharField(_("利用者の種類"), max_length=10, choices=Kind.choices)
    is_active = models.BooleanField(_("有効"), default=True)
    email_verified_at = models.DateTimeField(_("メール確認日時"), null=True, blank=True)
    date_joined = models.DateTimeField(_("登録日時"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name", "kind"]

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["resident", "staff"]), name="user_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_lower_case"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF

    @property
    def is_resident(self) -> bool:
        return self.kind == self.Kind.RESIDENT

    @cached_property
    def active_roles(self) -> list[StaffRole]:
        """This user's roles, read once per request."""
        if not self.is_staff_member or not self.is_active:
            return []
        return list(self.staff_roles.select_related("department"))

    def has_role(self, *roles: str) -> bool:
        return any(role.role in roles for role in self.active_roles)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Django's permission check, answered from staff roles (see roles.ROLE_PERMISSIONS)."""
        return any(perm in ROLE_PERMISSIONS.get(role.role, ()) for role in self.active_roles)

    def role_departments(self, *roles: str) -> list[OrgUnit]:
        """Departments (課) where this user holds any of `roles` (all department roles if none)."""
        wanted = set(roles) or DEPARTMENT_ROLES
        return [r.department for r in self.active_roles if r.role in wanted and r.department]


class StaffRole(models.Model):
    """A role held by a member of staff, in a department or organisation-wide."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("所属"),
        limit_choices_to={"level": OrgUnit.Level.DEPARTMENT},
    )
    granted_at = models.DateTimeField(_("付与日時"), default=timezone.now)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("職員の役割")
        verbose_name_plural = _("職員の役割")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "department"], name="staffrole_unique_in_department"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(department__isnull=True),
                name="staffrole_unique_organisation_wide",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=sorted(r.value for r in DEPARTMENT_ROLES), department__isnull=False
                    )
                    | models.Q(role__in=["system_admin", "auditor"], department__isnull=True)
                ),
                name="staffrole_department_matches_role",
            ),
        ]

    def __str__(self) -> str:
        label = Role(self.role).label
        return f"{label}（{self.department}）" if self.department else str(label)


class SignInFailure(models.Model):
    """A failed sign-in, counted per key (hashed account, or client address) to throttle guessing.

    Rows older than the throttling window are pruned as new ones arrive.
    """

    key = models.CharField(max_length=80)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.key} {self.occurred_at:%Y-%m-%dT%H:%M:%S}"


class UserSession(AbstractBaseSession):
    """A server-side session that knows its user, so all of a user's sessions can be ended."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls) -> type:
        from jichitai.accounts.sessions import SessionStore

        return SessionStore


class ApiToken(models.Model):
    """A personal API token (APIトークン) for programs acting for one person.

    Only a SHA-256 digest is stored: the token is shown once, when it is made. Tokens are long
    random strings, so a plain digest is enough (no password hashing needed to resist guessing).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名前"), max_length=60)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    expires_at = models.DateTimeField(_("有効期限"))
    last_used_at = models.DateTimeField(_("最終利用日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("無効にした日時"), null=True, blank=True)
    # Made by staff in a session signed in with the second factor: the token then acts as
    # verified staff (e.g. CKAN write actions). Other tokens act as the person, not as staff.
    staff_scope = models.BooleanField(_("職員として操作"), default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdentityLink(models.Model):
    """An account's link to a person at an external identity provider (外部の本人確認サービス).

    One provider subject belongs to one account: a person verified once cannot be reused to
    vouch for somebody else's account. Only the issuer and its opaque subject are stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_links")
    issuer = models.CharField(_("発行者"), max_length=255)
    subject = models.CharField(_("識別子"), max_length=255)
    linked_at = models.DateTimeField(_("連携日時"), default=timezone.now)

    class Meta:
        verbose_name = _("本人確認サービスとの連携")
        verbose_name_plural = _("本人確認サービスとの連携")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identitylink_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class IdentityVerification(models.Model):
    """One successful identity verification (本人確認) through a provider; valid until expires_at.

    Personal fields: claims (name and date of birth as the provider asserted them, ordinary
    personal information). The individual number (マイナンバー) is never requested nor kept.
    """

    PERSONAL_FIELDS: ClassVar[dict[str, str]] = {"claims": "ordinary"}

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_verifications")
    link = models.ForeignKey(IdentityLink, on_delete=models.CASCADE, related_name="verifications")
    provider = models.CharField(_("本人確認サービス"), max_length=40)
    level = models.CharField(_("本人確認の水準"), max_length=10)
    verified_at = models.DateTimeField(_("確認日時"), default=timezone.now)
    expires_at = models.DateTimeField(_("有効期限"))
    claims = models.JSONField(_("確認された情報"), default=dict, blank=True)

    class Meta:
        verbose_name = _("本人確認の記録")
        verbose_name_plural = _("本人確認の記録")
        ordering = ["-verified_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("verified_at")),
                name="identityverification_expires_after_verified",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.level} {self.verified_at:%Y-%m-%dT%H:%M}"
