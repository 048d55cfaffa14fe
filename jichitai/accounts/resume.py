"""Keeping what a member of staff typed when their session expired under them.

When an expired staff session posts a form, the middleware signs them out and keeps the
posted fields (never passwords, codes or the CSRF token) in the new anonymous session. After
they sign in again and return to the page, the view offers the fields back as the form's
initial values, for them to check and send again. Only the same user, on the same page, within
an hour, gets them back.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

RESUME_KEY = "jichitai.resume"
RESUME_SECONDS = 60 * 60
_NEVER_KEPT = ("csrfmiddlewaretoken", "password", "code", "token")


def keep_posted_form(request: HttpRequest, user_id: int) -> None:
    """Store the current POST's fields in the session (call after signing out)."""
    data = {
        key: values
        for key, values in request.POST.lists()
        if not any(word in key.lower() for word in _NEVER_KEPT)
    }
    if data:
        request.session[RESUME_KEY] = {
            "path": request.path,
            "user_id": user_id,
            "at": time.time(),
            "data": data,
        }


def take_kept_form(request: HttpRequest) -> dict[str, Any] | None:
    """The fields kept for this page and user, as form initial values; forgotten once taken."""
    kept = request.session.get(RESUME_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[RESUME_KEY]
    if kept.get("user_id") != getattr(request.user, "pk", None):
        return None
    if time.time() - kept.get("at", 0) > RESUME_SECONDS:
        return None
    return {key: values[0] if len(values) == 1 else values for key, values in kept["data"].items()}
