"""Account pages: register, verify e-mail, sign in (with a second factor for staff), sign out,
language, the resident's page and staff management. Thin: parse, call a service, render."""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from jichitai.accounts import api_tokens, forms, policies, resume, services
from jichitai.accounts.identity import selectors as identity_selectors
from jichitai.accounts.models import StaffRole, User
from jichitai.core.errors import DomainError
from jichitai.governance.services import record_personal_data_access


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _posted(request: HttpRequest) -> Any:
    """The POST data for a form, or None for an unbound form (an empty POST is still a POST)."""
    return request.POST if request.method == "POST" else None


def _render_form(
    request: HttpRequest, template: str, form: Any, context: dict[str, Any] | None = None
) -> HttpResponse:
    """Render a form page: 200 when first shown, 400 when it comes back with errors."""
    status = 400 if form.is_bound else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)


def _form_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- Residents ------------------------------------------------------------------------------


@sensitive_post_parameters("password", "password_confirmation")
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = forms.RegistrationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.register_resident(
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            password=form.cleaned_data["password"],
            language=get_language() or "ja",
        )
        return redirect("accounts:register_done")
    return _render_form(request, "accounts/register.html", form)


@require_safe
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@require_http_methods(["GET", "HEAD", "POST"])
def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button; only the POST verifies, so link scanners in mail systems cannot."""
    try:
        if request.method == "POST":
            services.verify_email(uidb64, token)
            messages.success(request, _("メールアドレスを確認しました。サインインしてください。"))
            return redirect("accounts:login")
        services.user_for_verification_link(uidb64, token)
    except DomainError as error:
        return render(request, "accounts/link_invalid.html", {"error": error}, status=400)
    return render(request, "accounts/verify_email.html")


@require_http_methods(["GET", "HEAD", "POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.resend_email_verification(form.cleaned_data["email"])
        return redirect("accounts:register_done")
    return _render_form(request, "accounts/resend_verification.html", form)


@require_safe
def my_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policies.is_signed_in_resident(request.user):
        raise PermissionDenied
    return render(
        request,
        "accounts/my_page.html",
        {"identity_verification": identity_selectors.current_verification(request.user)},
    )


# --- Personal API tokens --------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List, make and revoke one's API tokens. A new token is shown on this response only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = cast(User, request.user)
    form = forms.ApiTokenForm(_posted(request))
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created = api_tokens.create_token(
                user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                # Staff sessions always passed the second factor (the middleware sees to it).
                staff_scope=policies.is_verified_staff(user),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            form = forms.ApiTokenForm()
    context = {"tokens": user.api_tokens.all(), "created": created}
    if created is not None:
        return render(request, "accounts/api_tokens.html", {"form": form, **context})
    return _render_form(request, "accounts/api_tokens.html", form, context)


@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("accounts:tokens"))
    try:
        api_tokens.revoke_token(cast(User, request.user), pk)
    except DomainError:
        raise Http404 from None
    messages.success(request, _("トークンを無効にしました。"))
    return redirect("accounts:tokens")


# --- Forgotten passwords ---------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(form.cleaned_data["email"])
        return redirect("accounts:password_forgot_sent")
    return _render_form(request, "accounts/password_forgot.html", form)


@require_safe
def password_forgot_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_forgot_sent.html")


@sensitive_post_parameters("password", "password_confirmation")
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = services.user_for_password_reset_link(uidb64, token)
    except DomainError as error:
        return render(request, "accounts/link_invalid.html", {"error": error}, status=400)
    form = forms.NewPasswordForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(uidb64, token, form.cleaned_data["password"])
        except DomainError as error:
            return render(request, "accounts/link_invalid.html", {"error": error}, status=400)
        messages.success(
            request, _("パスワードを変更しました。新しいパスワードでサインインしてください。")
        )
        return redirect("accounts:login")
    return _render_form(request, "accounts/password_reset.html", form)


# --- Signing in and out ---------------------------------------------------------------------


@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, "")
    form = forms.SignInForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate(
                request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except DomainError as error:
            _form_error(form, error)
            response = _render_form(request, "accounts/sign_in.html", form, {"next": next_url})
            if error.code == "auth.throttled":
                response.status_code = 429
                response["Retry-After"] = str(error.retry_after)  # type: ignore[attr-defined]
            return response
        if user.is_staff_member:
            services.begin_second_factor(request, user)
            if next_url:
                request.session["jichitai.next"] = next_url
            target = (
                "accounts:second_factor" if services.has_second_factor(user) else "accounts:enrol"
            )
            return _with_language(redirect(target), user.preferred_language)
        services.sign_in_resident(request, user)
        return _with_language(
            HttpResponseRedirect(next_url or reverse("accounts:my_page")), user.preferred_language
        )
    return _render_form(request, "accounts/sign_in.html", form, {"next": next_url})


def _with_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _staff_next(request: HttpRequest) -> str:
    return request.session.pop("jichitai.next", None) or reverse("accounts:staff_home")


@require_http_methods(["GET", "HEAD", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    user = services.pending_staff_user(request)
    if user is None:
        messages.info(request, _("もう一度サインインしてください。"))
        return redirect("accounts:login")
    if not services.has_second_factor(user):
        return redirect("accounts:enrol")
    next_url = request.session.get("jichitai.next", "")
    form = forms.SecondFactorForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_second_factor(request, user, form.cleaned_data["code"])
            request.session["jichitai.next"] = next_url
            return HttpResponseRedirect(_staff_next(request))
        except DomainError as error:
            _form_error(form, error)
    return _render_form(request, "accounts/second_factor.html", form)


@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (TOTP) at a staff member's first sign-in."""
    user = services.pending_staff_user(request)
    if user is None:
        messages.info(request, _("もう一度サインインしてください。"))
        return redirect("accounts:login")
    if services.has_second_factor(user):
        return redirect("accounts:second_factor")
    next_url = request.session.get("jichitai.next", "")
    device = services.totp_device_for_enrolment(user)
    form = forms.EnrolmentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp_enrolment(request, user, form.cleaned_data["code"])
            request.session[services.RECOVERY_CODES_KEY] = codes
            request.session["jichitai.next"] = next_url
            return redirect("accounts:recovery_codes")
        except DomainError as error:
            _form_error(form, error)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("認証アプリ登録用のQRコード"), omitsize=False
    )
    return _render_form(
        request,
        "accounts/enrol.html",
        form,
        {
            # segno's output is our own SVG built from our own URL: nothing user-supplied.
            "qr_svg": mark_safe(qr_svg),  # noqa: S308
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


@require_safe
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows the recovery codes once, straight after enrolment."""
    codes = request.session.pop(services.RECOVERY_CODES_KEY, None)
    if not codes or not policies.is_verified_staff(request.user):
        raise Http404
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": _staff_next(request)}
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    messages.info(request, _("サインアウトしました。"))
    return redirect("core:home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the UI language; a signed-in user's choice is kept on their account."""
    if request.user.is_authenticated:
        services.set_preferred_language(request.user, request.POST.get("language", ""))
    return django_set_language(request)


# --- Staff ----------------------------------------------------------------------------------


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to sign in; signed-in people who are not staff get 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policies.is_verified_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/staff_home.html")


@require_safe
@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_manage_staff(request.user):
        raise PermissionDenied
    members = policies.staff_visible_to(request.user).prefetch_related("staff_roles__department")
    members = members.order_by("display_name", "email")
    return render(request, "accounts/staff_list.html", {"members": members})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(policies.staff_visible_to(request.user), pk=pk)
    departments = policies.managed_departments(request.user)
    kept = resume.take_kept_form(request) if request.method != "POST" else None
    form = forms.GrantRoleForm(_posted(request), departments=departments, initial=kept)
    if kept:
        messages.info(
            request,
            _("サインインし直す前に入力した内容を戻しました。確かめてから送信してください。"),
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_role(
                cast(User, request.user),
                member=member,
                role=form.cleaned_data["role"],
                department=form.cleaned_data["department"],
            )
            messages.success(request, _("役割を付与しました。"))
            return redirect("accounts:staff_detail", pk=member.pk)
        except DomainError as error:
            _form_error(form, error)
    record_personal_data_access(
        "view",
        actor=request.user,
        target=member,
        subject_id=member.pk,
        fields=["email", "display_name"],
        purpose="staff.manage",
    )
    roles = member.staff_roles.select_related("department__parent").order_by("role")
    return _render_form(
        request, "accounts/staff_detail.html", form, {"member": member, "roles": roles}
    )


@require_POST
@staff_required
def staff_revoke_role(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    member = get_object_or_404(policies.staff_visible_to(request.user), pk=pk)
    staff_role = get_object_or_404(StaffRole, pk=role_pk, user=member)
    try:
        services.revoke_role(cast(User, request.user), staff_role)
        messages.success(request, _("役割を取り消しました。"))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("accounts:staff_detail", pk=member.pk)


@require_POST
@staff_required
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member: User = get_object_or_404(policies.staff_visible_to(request.user), pk=pk)
    try:
        services.deactivate_account(cast(User, request.user), member)
        messages.success(request, _("アカウントを無効にし、すべてのセッションを終了しました。"))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("accounts:staff_detail", pk=member.pk)
