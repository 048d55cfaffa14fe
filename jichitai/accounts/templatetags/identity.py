"""Template tags for identity verification (本人確認) on pages of other apps."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from jichitai.accounts.identity import selectors

register = template.Library()

VERIFIED = "verified"


@register.inclusion_tag("accounts/_identity_status.html", takes_context=True)
def identity_status(context: Any, required_level: str, next_url: str = "") -> dict[str, Any]:
    """Whether the signed-in resident's identity is verified, with a link to verify if not.

    Shows nothing unless `required_level` is the verified level and a resident is signed in.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if required_level != VERIFIED or not getattr(user, "is_authenticated", False):
        return {"show": False}
    if not user.is_resident:  # type: ignore[union-attr]
        return {"show": False}
    back = next_url or (request.path if request is not None else "/")
    return {
        "show": True,
        "current": selectors.current_verification(user),
        "verify_url": reverse("accounts:identity_verify") + "?" + urlencode({"next": back}),
    }
