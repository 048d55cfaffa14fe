"""Account writes: registration, sign-in with a second factor for staff, roles, language.

Every function audits what it did through governance, in the same transaction.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts import policies, throttle
from jichitai.accounts.models import StaffRole, User, normalize_email
from jichitai.accounts.roles import MANAGE_ALL_STAFF, Role
from jichitai.accounts.sessions import end_all_sessions
from jichitai.accounts.tokens import email_verification_token
from jichitai.core import request_context
from jichitai.core.errors import DomainError
from jichitai.core.models import OrgUnit
from jichitai.governance.services import record_event
from jichitai.notifications.mail import send_templated_email

MFA_PENDING_KEY = "jichitai.mfa_pending"
STAFF_SIGNED_IN_AT_KEY = "jichitai.staff_signed_in_at"
STAFF_LAST_SEEN_KEY = "jichitai.staff_last_seen_at"
RECOVERY_CODES_KEY = "jichitai.recovery_codes"
# How long a staff member has between password and second factor.
MFA_PENDING_SECONDS = 10 * 60
RECOVERY_CODE_COUNT = 10


# --- Residents: registration and e-mail verification ------------------------------------


def register_resident(*, email: str, display_name: str, password: str, language: str) -> None:
    """Create a resident account (区民アカウント) and mail a verification link.

    The caller learns nothing about whether the address was already registered (that would
    let anyone test addresses): in that case the owner of the address is told by mail — with
    a fresh verification link if they never used the first one.
    """
    email = normalize_email(email)
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and existing.email_verified_at is None:
            send_email_verification(existing)
            record_event(
                "account.register",
                outcome="failure",
                actor_label=email,
                detail={"reason": "email_unverified"},
            )
            return
        if existing is not None:
            send_templated_email(
                existing.email,
                "accounts/email/already_registered",
                {"sign_in_url": _absolute(reverse("accounts:login"))},
                existing.preferred_language,
            )
            record_event(
                "account.register",
                outcome="failure",
                actor_label=email,
                detail={"reason": "email_taken"},
            )
            return
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    display_name=display_name.strip(),
                    kind=User.Kind.RESIDENT,
                    preferred_language=language,
                )
        except IntegrityError:
            # Another request registered the same address a moment ago.
            return
        record_event(
            "account.register",
            actor=user,
            target=user,
            subject_id=user.pk,
            fields=["email", "display_name"],
        )
        send_email_verification(user)


def send_email_verification(user: User) -> None:
    """Mail a one-time link that proves the user reads mail sent to their address."""
    if user.email_verified_at is not None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    link = _absolute(reverse("accounts:verify_email", args=[uid, token]))
    send_templated_email(
        user.email,
        "accounts/email/verify",
        {"user": user, "verify_url": link},
        user.preferred_language,
    )


def resend_email_verification(email: str) -> None:
    """Mail a new verification link if the address belongs to an unverified account."""
    user = User.objects.filter(email__iexact=normalize_email(email), is_active=True).first()
    if user is not None:
        send_email_verification(user)


def user_for_verification_link(uidb64: str, token: str) -> User:
    """The account a verification link was made for; `account.link_invalid` if it is not valid."""
    user = _user_from_uid(uidb64)
    if user is None or not email_verification_token.check_token(user, token):
        raise DomainError(
            "account.link_invalid",
            _("このリンクは無効か、有効期限が切れています。もう一度お試しください。"),
        )
    return user


def verify_email(uidb64: str, token: str) -> User:
    """Mark the account's address as verified (メールアドレスの確認)."""
    with transaction.atomic():
        user = user_for_verification_link(uidb64, token)
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record_event("account.email_verified", actor=user, target=user, subject_id=user.pk)
    return user


# --- Forgotten passwords ------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Mail a one-time link to set a new password, if the address belongs to an active account.

    The caller learns nothing about whether it does.
    """
    user = User.objects.filter(email__iexact=normalize_email(email), is_active=True).first()
    if user is None:
        record_event(
            "account.password_reset_request",
            outcome="failure",
            actor_label=normalize_email(email),
            detail={"reason": "unknown_email"},
        )
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = _absolute(
        reverse("accounts:password_reset", args=[uid, default_token_generator.make_token(user)])
    )
    with transaction.atomic():
        record_event(
            "account.password_reset_request",
            actor_label=user.email,
            target=user,
            subject_id=user.pk,
        )
        send_templated_email(
            user.email,
            "accounts/email/password_reset",
            {"user": user, "reset_url": link},
            user.preferred_language,
        )


def user_for_password_reset_link(uidb64: str, token: str) -> User:
    """The account a reset link was made for; `account.link_invalid` if it is not valid.

    The token covers the current password hash, so it stops working once used.
    """
    user = _user_from_uid(uidb64)
    if user is None or not user.is_active or not default_token_generator.check_token(user, token):
        raise DomainError(
            "account.link_invalid",
            _("このリンクは無効か、有効期限が切れています。もう一度お試しください。"),
        )
    return user


def reset_password(uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link, end every session of the account and tell its owner.

    A resident whose address was unverified is verified now: the link proved they read its mail.
    Staff still need their second factor to sign in.
    """
    with transaction.atomic():
        user = user_for_password_reset_link(uidb64, token)
        user.set_password(new_password)
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
        user.save(update_fields=["password", "email_verified_at"])
        ended = end_all_sessions(user.pk)
        throttle.clear_account(user.email)
        record_event(
            "account.password_reset",
            actor=user,
            target=user,
            subject_id=user.pk,
            detail={"sessions_ended": ended},
        )
        send_templated_email(
            user.email,
            "accounts/email/password_changed",
            {"user": user, "sign_in_url": _absolute(reverse("accounts:login"))},
            user.preferred_language,
        )
    return user


def _user_from_uid(uidb64: str) -> User | None:
    try:
        return User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None


# --- Signing in ----------------------------------------------------------------------------


def authenticate(request: HttpRequest, *, email: str, password: str) -> User:
    """Check an e-mail and password, within the throttling limits.

    Raises `auth.throttled` (too many recent failures for this account or address),
    `auth.invalid_credentials`, or `auth.email_unverified` (a resident who has not yet
    followed the verification link). Every outcome is audited.
    """
    ip = request_context.current().client_ip
    wait = throttle.retry_after(email, ip)
    if wait:
        record_event(
            "auth.sign_in",
            outcome="denied",
            actor_label=normalize_email(email),
            detail={"reason": "throttled"},
        )
        error = DomainError(
            "auth.throttled",
            _(
                "サインインの試行が続けて失敗しました。%(minutes)d分ほど待ってからもう一度お試しください。"
            )
            % {"minutes": max(1, (wait + 59) // 60)},
        )
        error.retry_after = wait  # type: ignore[attr-defined]
        raise error
    user = auth.authenticate(request, username=normalize_email(email), password=password)
    if user is None:
        with transaction.atomic():
            throttle.record_failure(email, ip)
            record_event(
                "auth.sign_in",
                outcome="failure",
                actor_label=normalize_email(email),
                detail={"reason": "invalid_credentials"},
            )
        raise DomainError(
            "auth.invalid_credentials", _("メールアドレスまたはパスワードが正しくありません。")
        )
    if user.is_resident and user.email_verified_at is None:
        record_event(
            "auth.sign_in", outcome="denied", actor=user, detail={"reason": "email_unverified"}
        )
        raise DomainError(
            "auth.email_unverified",
            _("メールアドレスの確認が済んでいません。届いたメールのリンクを開いてください。"),
        )
    throttle.clear_account(email)
    return user


def sign_in_resident(request: HttpRequest, user: User) -> None:
    """Start a resident's session (a new session ID: ASVS 7.2.4)."""
    with transaction.atomic():
        auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        record_event("auth.sign_in", actor=user)


def begin_second_factor(request: HttpRequest, user: User) -> None:
    """Remember, in a fresh session, that this staff member gave the right password.

    They are not signed in until they also give a one-time code (二要素認証).
    """
    request.session.cycle_key()
    request.session[MFA_PENDING_KEY] = {"user_id": user.pk, "started": time.time()}
    record_event("auth.password_accepted", actor=user)


def pending_staff_user(request: HttpRequest) -> User | None:
    """The staff member who gave their password in this session, if it was recent."""
    pending = request.session.get(MFA_PENDING_KEY)
    if (
        not isinstance(pending, dict)
        or time.time() - pending.get("started", 0) > MFA_PENDING_SECONDS
    ):
        return None
    user_id = pending.get("user_id")
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, kind=User.Kind.STAFF, is_active=True).first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verify_second_factor(request: HttpRequest, user: User, code: str) -> None:
    """Finish a staff sign-in with a TOTP code or an unused recovery code.

    A code already used (a replay) fails like a wrong one. Devices slow down repeated
    failures themselves (django-otp throttling). Raises `mfa.invalid_code` or `mfa.throttled`.
    """
    code = "".join(code.split()).lower()
    devices: list[Any] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not code.isdigit():
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    with transaction.atomic():
        for device in devices:
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                record_event(
                    "auth.mfa", outcome="denied", actor=user, detail={"reason": "throttled"}
                )
                raise DomainError(
                    "mfa.throttled",
                    _("確認コードの誤りが続いています。しばらく待ってからもう一度お試しください。"),
                )
            if device.verify_token(code):
                _complete_staff_sign_in(request, user, device)
                return
        record_event("auth.mfa", outcome="failure", actor=user)
    raise DomainError(
        "mfa.invalid_code", _("確認コードが正しくないか、すでに使われています。"), field="code"
    )


def totp_device_for_enrolment(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up for this user (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def confirm_totp_enrolment(request: HttpRequest, user: User, code: str) -> list[str]:
    """Confirm the new authenticator with a code from it, issue recovery codes, sign in.

    Returns the recovery codes, to be shown once. Raises `mfa.invalid_code`.
    """
    if has_second_factor(user):
        raise DomainError("mfa.already_enrolled", _("認証アプリはすでに登録されています。"))
    device = totp_device_for_enrolment(user)
    with transaction.atomic():
        if not device.verify_token("".join(code.split())):
            record_event("auth.mfa_enrol", outcome="failure", actor=user)
            raise DomainError(
                "mfa.invalid_code",
                _(
                    "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"
                ),
                field="code",
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _issue_recovery_codes(user)
        record_event("auth.mfa_enrol", actor=user, target=user, subject_id=user.pk)
        _complete_staff_sign_in(request, user, device)
    return codes


def _issue_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _complete_staff_sign_in(request: HttpRequest, user: User, device: Any) -> None:
    request.session.pop(MFA_PENDING_KEY, None)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    now = time.time()
    request.session[STAFF_SIGNED_IN_AT_KEY] = now
    request.session[STAFF_LAST_SEEN_KEY] = now
    record_event("auth.sign_in", actor=user, detail={"second_factor": device.__class__.__name__})


def sign_out(request: HttpRequest, *, reason: str = "user") -> None:
    """End the session on the server (the cookie alone would not be enough: ASVS 7.4.1)."""
    user = request.user if request.user.is_authenticated else None
    record_event("auth.sign_out", actor=user, detail={"reason": reason})
    auth.logout(request)


def set_preferred_language(user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


# --- Staff roles ---------------------------------------------------------------------------


def grant_role(actor: User, *, member: User, role: str, department: OrgUnit | None) -> StaffRole:
    """Give a member of staff a role (in a department for department roles).

    Raises `role.forbidden` when the actor may not grant it, `role.not_staff` for a resident
    account, `role.duplicate` when the member already holds it.
    """
    if role not in Role.values:
        raise DomainError("role.unknown", _("役割が正しくありません。"), field="role")
    if not member.is_staff_member:
        raise DomainError("role.not_staff", _("区民のアカウントには役割を付与できません。"))
    if not policies.can_grant_role(actor, role, department):
        record_event(
            "role.grant",
            outcome="denied",
            actor=actor,
            target=member,
            subject_id=member.pk,
            detail={"role": role, "department": department.code if department else None},
        )
        raise DomainError("role.forbidden", _("この役割を付与する権限がありません。"))
    if role in {Role.SYSTEM_ADMIN, Role.AUDITOR}:
        department = None
    with transaction.atomic():
        if StaffRole.objects.filter(user=member, role=role, department=department).exists():
            raise DomainError(
                "role.duplicate", _("この職員はすでにこの役割を持っています。"), field="role"
            )
        staff_role = StaffRole.objects.create(
            user=member, role=role, department=department, granted_by=actor
        )
        record_event(
            "role.grant",
            actor=actor,
            target=member,
            subject_id=member.pk,
            detail={"role": role, "department": department.code if department else None},
        )
    return staff_role


def revoke_role(actor: User, staff_role: StaffRole) -> None:
    """Take a role away. Nobody removes their own system administrator role (so that one
    administrator always remains able to manage roles)."""
    member = staff_role.user
    if not policies.can_grant_role(actor, staff_role.role, staff_role.department):
        record_event(
            "role.revoke",
            outcome="denied",
            actor=actor,
            target=member,
            subject_id=member.pk,
            detail={"role": staff_role.role},
        )
        raise DomainError("role.forbidden", _("この役割を取り消す権限がありません。"))
    if staff_role.role == Role.SYSTEM_ADMIN and member.pk == actor.pk:
        raise DomainError("role.self_revoke", _("自分自身のシステム管理者の役割は取り消せません。"))
    with transaction.atomic():
        detail = {
            "role": staff_role.role,
            "department": staff_role.department.code if staff_role.department else None,
        }
        staff_role.delete()
        record_event("role.revoke", actor=actor, target=member, subject_id=member.pk, detail=detail)


def create_staff_member(*, email: str, display_name: str, password: str) -> User:
    """Create a staff account (職員アカウント) with no roles. Used by the operator command;
    the member enrols an authenticator at first sign-in."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=normalize_email(email)).exists():
            raise DomainError(
                "account.email_taken",
                _("このメールアドレスはすでに登録されています。"),
                field="email",
            )
        user = User.objects.create_user(
            email=email,
            password=password,
            display_name=display_name,
            kind=User.Kind.STAFF,
            email_verified_at=timezone.now(),
        )
        record_event(
            "account.create_staff",
            target=user,
            subject_id=user.pk,
            fields=["email", "display_name"],
        )
    return user


def _absolute(path: str) -> str:
    return settings.JICHITAI_PUBLIC_URL.rstrip("/") + path


def deactivate_account(actor: User, member: User) -> None:
    """Disable a staff account and end all its sessions at once (ASVS 7.4.2)."""
    if not (
        policies.staff_visible_to(actor).filter(pk=member.pk).exists()
        and actor.has_perm(MANAGE_ALL_STAFF)
    ):
        record_event(
            "account.deactivate", outcome="denied", actor=actor, target=member, subject_id=member.pk
        )
        raise DomainError("account.forbidden", _("このアカウントを無効にする権限がありません。"))
    if member.pk == actor.pk:
        raise DomainError("account.self_deactivate", _("自分自身のアカウントは無効にできません。"))
    with transaction.atomic():
        member.is_active = False
        member.save(update_fields=["is_active"])
        ended = end_all_sessions(member.pk)
        record_event(
            "account.deactivate",
            actor=actor,
            target=member,
            subject_id=member.pk,
            detail={"sessions_ended": ended},
        )
