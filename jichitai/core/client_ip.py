"""The client's address, trusting X-Forwarded-For only as far as the configured proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip_from_request(request: HttpRequest) -> str | None:
    """The address of the client, or None when what we were given is not an address.

    With N trusted proxies in front, the Nth entry from the right of X-Forwarded-For is the
    client as the outermost trusted proxy saw it; entries left of it are the client's own
    claims and are ignored.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.JICHITAI_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
