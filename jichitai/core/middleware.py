"""Request-wide concerns: a request ID for logs and audit, an access log, no caching."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from jichitai.core import request_context
from jichitai.core.client_ip import client_ip_from_request

access_log = logging.getLogger("jichitai.access")

# An upstream proxy's request ID is kept only when it cannot smuggle anything into logs.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an ID (kept from X-Request-ID when safe) and logs its outcome.

    The access log carries method, the matched URL pattern (not the path: paths hold object
    IDs and one-time tokens from mailed links), status and duration — never the query string
    or body, which may hold personal data. Only an unmatched path is logged as sent, masked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_context.set_current(
            request_context.RequestContext(
                request_id=request_id, client_ip=client_ip_from_request(request)
            )
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if not request.path.startswith("/static/"):
                access_log.info(
                    "request",
                    extra={
                        "method": request.method,
                        "route": _route_of(request),
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_context.reset(token)


def _route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return "/" + match.route if match is not None and match.route else request.path


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every dynamic response that did not choose its own.

    Pages may show personal data (ASVS 14.3.2); a public page that can be cached says so
    itself, and static files are served before this runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
