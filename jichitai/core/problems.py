"""RFC 9457 problem documents: how the JSON API at /api/v1/ answers every error.

The API's own handlers (config/api.py) answer the errors its views raise. The middleware here
answers what reaches no handler of the API — an unknown path, a method not allowed, a refused
request, a server error — so that a client under /api/v1/ never gets the site's HTML pages.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/v1/"  # the CKAN Action API (/api/3/) keeps CKAN's own error envelope


def problem_response(status: int, title: str = "", **extra: Any) -> JsonResponse:
    """A problem document: `title` defaults to the status's own phrase."""
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase, "status": status}
    return JsonResponse({**body, **extra}, status=status, content_type=PROBLEM_JSON)


def body_too_large(limit: int) -> JsonResponse:
    return problem_response(
        413, "Request body too large", detail=f"The body is over the limit of {limit} bytes."
    )


class ApiProblemMiddleware:
    """Under /api/v1/, an error response that is not a problem document yet becomes one with
    the same status (and the same `Allow` header, for 405)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type", "").startswith(PROBLEM_JSON):
            return response
        problem = problem_response(response.status_code)
        if response.has_header("Allow"):
            problem["Allow"] = response["Allow"]
        return problem
