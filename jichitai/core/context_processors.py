from __future__ import annotations

from django.http import HttpRequest

from jichitai.core import selectors


def municipality(request: HttpRequest) -> dict[str, object]:
    """The municipality for the header on every page."""
    return {"municipality": selectors.current_municipality()}
