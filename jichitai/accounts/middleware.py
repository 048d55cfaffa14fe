"""Staff session rules: second factor always, idle and absolute time-outs."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from jichitai.accounts import resume, services


class StaffSessionMiddleware:
    """Ends a staff session that went idle too long or lasted too long (ASVS 7.3.1/7.3.2).

    Staff are sent back to sign in, and then returned to the page they were on: for a
    form that was being posted, the page that holds the form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff_member:
            reason = self._expiry_reason(request)
            if reason:
                return self._expire(request, reason)
            request.session[services.STAFF_LAST_SEEN_KEY] = time.time()
        return self.get_response(request)

    @staticmethod
    def _expiry_reason(request: HttpRequest) -> str:
        if not request.user.is_verified():  # type: ignore[union-attr]
            return "no_second_factor"  # cannot happen through our sign-in; refuse anyway
        now = time.time()
        signed_in = request.session.get(services.STAFF_SIGNED_IN_AT_KEY, 0)
        last_seen = request.session.get(services.STAFF_LAST_SEEN_KEY, 0)
        if now - last_seen > settings.JICHITAI_STAFF_IDLE_TIMEOUT:
            return "idle_timeout"
        if now - signed_in > settings.JICHITAI_STAFF_ABSOLUTE_TIMEOUT:
            return "absolute_timeout"
        return ""

    @staticmethod
    def _expire(request: HttpRequest, reason: str) -> HttpResponse:
        user_id = request.user.pk
        services.sign_out(request, reason=reason)
        if request.method == "POST" and user_id is not None:
            resume.keep_posted_form(request, user_id)
        if reason == "idle_timeout":
            notice = _(
                "一定時間操作がなかったため、サインアウトしました。もう一度サインインしてください。"
            )
        else:
            notice = _("セッションの有効期限が切れました。もう一度サインインしてください。")
        messages.info(request, notice)
        return_to = request.get_full_path() if request.method == "GET" else request.path
        login_url = reverse("accounts:login") + "?" + urlencode({"next": return_to})
        return HttpResponseRedirect(login_url)
