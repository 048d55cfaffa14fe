"""The CKAN Action API endpoint: `/api/3/action/<name>` and `/api/action/<name>`.

Requests are read as CKAN reads them (query string for GET, JSON or form for POST), the
action runs, and the answer is CKAN's envelope with its exact error types and statuses, so
that ckanapi, ckanext-harvest and portal front ends work unchanged.

The caller is identified only by an API token header (`Authorization: <token>`,
`Authorization: Bearer <token>` or `X-CKAN-API-Key`), never by the session cookie: the
endpoint is therefore exempt from CSRF checks without letting another site act as a
signed-in user.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from jichitai.accounts.api_tokens import user_for_token
from jichitai.opendata.ckan import (
    datastore_actions,  # noqa: F401  (registers the actions)
    params,
    read_actions,  # noqa: F401  (registers the actions)
    write_actions,  # noqa: F401
)
from jichitai.opendata.ckan.errors import ActionError, BadRequest, NotAuthorized
from jichitai.opendata.ckan.registry import ACTIONS, ActionContext

logger = logging.getLogger(__name__)
CONTENT_TYPE = "application/json;charset=utf-8"


def _json(body: Any, status: int = 200) -> HttpResponse:
    return JsonResponse(
        body,
        status=status,
        safe=False,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _request_data(request: HttpRequest) -> dict[str, Any]:
    if request.method == "GET":
        return {
            key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()
        }
    content_type = request.content_type or ""
    if content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        fields = {key: values[-1] for key, values in request.POST.lists()}
        if content_type == "application/x-www-form-urlencoded" and len(fields) == 1:
            # Old clients post one form key holding the whole JSON body.
            ((key, value),) = fields.items()
            if not value:
                return _parse_json(key)
        return {**fields, **{name: request.FILES[name] for name in request.FILES}}
    if not request.body:
        return {}
    return _parse_json(request.body.decode("utf-8", errors="replace"))


def _parse_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise BadRequest(f"JSON Error: {error}") from None
    if not isinstance(data, dict):
        raise BadRequest("JSON Error: Request data JSON decoded to a non-dictionary value")
    return data


def _caller(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key", "")
    scheme, _space, rest = header.strip().partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else header.strip()
    if not token:
        return AnonymousUser()
    user = user_for_token(token)
    if user is None:
        raise NotAuthorized("invalid or expired API token")
    # user_for_token answers is_verified() from the token's staff scope (ADR 0009).
    return user


def help_url(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(f"/api/3/action/help_show?name={name}")


@csrf_exempt
def action(request: HttpRequest, name: str) -> HttpResponse:
    if request.method not in {"GET", "POST"}:
        return _json("Bad request: Method not allowed", status=405)
    found = ACTIONS.get(name)
    if found is None:
        return _json(f"Bad request: Action name not known: {name}", status=400)
    if request.method == "GET" and not found.side_effect_free:
        return _json(
            "Bad request: JSON Error: Invalid request. Please use POST method for your request",
            status=400,
        )
    envelope: dict[str, Any] = {"help": help_url(request, name)}
    try:
        data = _request_data(request)
        params.refuse_unstorable_text(data)
        context = ActionContext(user=_caller(request), base_url=_base_url(request))
        result = found.function(context, data)
    except BadRequest as error:
        return _json(error.body, status=400)
    except ActionError as error:
        return _json({**envelope, "success": False, "error": error.error_body()}, error.status)
    except RequestDataTooBig:
        return _too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE, name)
    except SuspiciousOperation:
        # Too many form fields or files, a broken multipart body: Django refuses to read it.
        return _json("Bad request: the request body could not be read", status=400)
    return _json({**envelope, "success": True, "result": result})


def _too_large(request: HttpRequest, limit: int, name: str = "") -> HttpResponse:
    """CKAN's error envelope with 413 (CKAN itself leaves this to its web server)."""
    error = {"__type": "Request Too Large", "message": f"Request body over {limit} bytes"}
    body = {"help": help_url(request, name), "success": False, "error": error}
    return _json(body, status=413)


def request_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    match = request.resolver_match
    name = match.kwargs.get("name", "") if match else ""
    return _too_large(request, limit, name)


# Answered by RequestBodyLimitMiddleware, before the body is read.
action.request_too_large = request_too_large  # type: ignore[attr-defined]


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def api_version(request: HttpRequest, version: int = 1) -> HttpResponse:
    """`/api` answers {"version": 1} and `/api/3` {"version": 3}, as CKAN does."""
    return _json({"version": version})
