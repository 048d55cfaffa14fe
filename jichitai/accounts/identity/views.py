"""Identity verification pages: what will happen, off to the provider, and back. Thin views."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from jichitai.accounts.identity import providers, selectors, services
from jichitai.core.errors import DomainError

VERIFIED = "verified"


def _next(request: HttpRequest) -> str:
    """Where to return afterwards: a page of this site only."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}
    ):
        return candidate
    return reverse("accounts:my_page")


def _redirect_uri() -> str:
    # The address registered with the provider: the public one, not whatever Host was sent.
    return settings.JICHITAI_PUBLIC_URL.rstrip("/") + reverse("accounts:identity_callback")


def _failed(request: HttpRequest, error: DomainError, next_url: str) -> HttpResponse:
    status = 502 if error.code == "identity.provider_unavailable" else 400
    return render(
        request,
        "accounts/identity_failed.html",
        {"error": error, "next_url": next_url},
        status=status,
    )


@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    """Explain the verification and offer the providers that give a verified identity."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        services.check_resident(request.user)
    except DomainError as error:
        return _failed(request, error, reverse("core:home"))
    choices = providers.providers_for(VERIFIED)
    response = render(
        request,
        "accounts/identity_verify.html",
        {
            "providers": choices,
            "next_url": _next(request),
            "current": selectors.current_verification(request.user),
        },
    )
    # The form posts here and is redirected to the provider: browsers apply form-action to
    # that redirect, so the providers' origins must be allowed on this page.
    response._csp_update = {"form-action": sorted({p.origin for p in choices})}  # type: ignore[attr-defined]
    return response


@require_POST
def begin(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("accounts:identity_verify"))
    try:
        url = services.begin_verification(
            request.session,
            request.user,
            request.POST.get("provider", ""),
            redirect_uri=_redirect_uri(),
            next_url=next_url,
        )
    except DomainError as error:
        again = reverse("accounts:identity_verify") + "?" + urlencode({"next": next_url})
        return _failed(request, error, again)
    return HttpResponseRedirect(url)


@require_safe
def callback(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("accounts:identity_verify"))
    # On failure, offer to start again towards the page the resident came from.
    pending = request.session.get(services.PENDING_KEY)
    came_from = pending.get("next", "") if isinstance(pending, dict) else ""
    fallback = reverse("accounts:identity_verify") + "?" + urlencode({"next": came_from or "/"})
    try:
        verified = services.complete_verification(
            request.session,
            request.user,
            {name: request.GET.get(name, "") for name in ("state", "code", "error")},
            redirect_uri=_redirect_uri(),
        )
    except DomainError as error:
        return _failed(request, error, fallback)
    messages.success(request, _("本人確認ができました。申請を続けてください。"))
    next_url = verified.next_url
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("accounts:my_page")
    return HttpResponseRedirect(next_url)
