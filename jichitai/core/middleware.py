"""Request-wide concerns: a request ID for logs and audit, an access log, no caching."""

from __future__ import annotations

import logging
import re
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

from jichitai.core import request_context
from jichitai.core.client_ip import client_ip_from_request
from jichitai.core.problems import API_PREFIX, body_too_large, problem_response

access_log = logging.getLogger("jichitai.access")

# An upstream proxy's request ID is kept only when it cannot smuggle anything into logs.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
READ_CHUNK = 64 * 1024  # bytes of a chunked request body read at a time


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


class RequestBodyLimitMiddleware:
    """Refuses a request whose body is over JICHITAI_UPLOAD_REFUSE_BODY_BYTES with 413: a
    declared one (Content-Length) before anything reads it, so a 1 GB upload is turned
    away at once instead of being streamed to the temporary folder only to be refused
    there; a chunked one (no Content-Length, which Django alone would read as empty) as
    soon as what arrived passes the limit. A chunked body within the limit is kept (in
    memory, or a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE, removed when the
    response is made) and handed on with its length, so forms and uploads read it.

    A view may answer in its own format (an API's error envelope, a form saying the limit)
    by carrying a `request_too_large(request, limit)` attribute; other paths under /api/
    get problem JSON and pages the bilingual error page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.JICHITAI_UPLOAD_REFUSE_BODY_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django treats it as no body at all
        if declared > limit:
            return self._refuse(request, limit)
        source = getattr(request, "environ", {}).get("wsgi.input")
        if declared or source is None or not _is_chunked(request):
            return self.get_response(request)
        body = _buffered_body(request, source, limit)
        if body is None:
            return self._refuse(request, limit)
        with body:
            return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, limit: int) -> HttpResponse:
        try:
            # Also lets the view's answer, and the access log, see the route.
            request.resolver_match = resolve(request.path_info)
            view = request.resolver_match.func
        except Resolver404:
            view = None
        answer = getattr(view, "request_too_large", None)
        if answer is not None:
            response: HttpResponse = answer(request, limit)
        elif request.path_info.startswith("/api/"):
            response = body_too_large(limit)
        else:
            response = render(request, "errors/413.html", status=413)
        # The unread body is the server's to discard (no Connection header: WSGI forbids
        # hop-by-hop headers from applications).
        return response


class NulCharacterMiddleware:
    """Refuses a request with a NUL character in its URL: 400 (the bilingual page); under
    /api/v1/ a problem document, 404 for the path (nothing is named so) and 422 for the query
    (as invalid parameters are; the OpenAPI document's patterns say NUL is not allowed).

    A URL's parts go into lookups (receipt numbers, slugs, search words), and PostgreSQL text
    cannot hold a NUL: such a lookup would fail as a server error. Form fields are checked
    where they are taken in, next to the field (core.plain_text). The CKAN API (/api/3/)
    answers such input in its own envelope."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith(API_PREFIX)
        if request.path_info.startswith("/api/") and not api:
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        if "\x00" not in request.path_info and "%00" not in query and "\x00" not in query:
            return self.get_response(request)
        if api and "\x00" in request.path_info:
            return problem_response(404)  # no object is named with a NUL
        if api:
            return problem_response(
                422, "Invalid request", detail="A URL cannot hold a NUL character (%00)."
            )
        return render(request, "errors/400.html", status=400)


def _is_chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def _buffered_body(request: HttpRequest, source: IO[bytes], limit: int) -> IO[bytes] | None:
    """A chunked body read into a spooled temporary file and put in place of the request's
    stream (with its length), or None when it passed the limit (the file already gone).
    The server has decoded the chunks (wsgi.input); a body that breaks off is a 400."""
    body = tempfile.SpooledTemporaryFile(  # noqa: SIM115  (closed by the caller)
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    size = 0
    try:
        while True:
            chunk = source.read(min(READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                body.close()
                return None
            body.write(chunk)
    except Exception as error:  # the server's reader: a broken chunk, a client gone away
        body.close()
        raise BadRequest("the chunked request body could not be read") from error
    body.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(body, size)  # type: ignore[assignment, arg-type]
    return body
