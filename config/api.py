"""The JSON API at /api/v1/: one NinjaAPI, routers from the apps, RFC 9457 problem errors."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jichitai.core.api import router as core_router
from jichitai.core.errors import DomainError
from jichitai.core.json_body import BodyTooLarge
from jichitai.core.problems import PROBLEM_JSON, body_too_large
from jichitai.procedures.api import router as procedures_router


class JichitaiAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document says error responses are problem documents."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM_JSON: content["application/json"]}
        return schema


# No interactive docs page: it would load scripts from a CDN, which our CSP forbids.
api = JichitaiAPI(
    title="Jichitai API",
    version="1",
    description="Public and resident-facing API of the Jichitai municipal platform.",
    urls_namespace="api",
    docs_url=None,
)
api.add_router("/", core_router)
api.add_router("/", procedures_router)


def problem(request: HttpRequest, status: int, title: str, **extra: Any) -> HttpResponse:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status, **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_JSON
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())[1:]),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    return problem(
        request, 422, "Invalid request", detail="Some fields are not valid.", errors=errors
    )


# Refusals by business rules, by the kind of problem they are. Anything else is 422.
_DOMAIN_STATUS = {
    "application.not_found": 404,
    "application.identity_required": 403,
    "application.not_online": 409,
    "application.not_open": 409,
    "application.closed": 409,
    "form.capacity_reached": 409,
    "application.duplicate": 409,
}


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A rule refused the request: the problem names the rule (`code`) and each field at
    fault, with messages in the request's language."""
    field_errors = getattr(exc, "errors", None)
    if field_errors is not None:
        errors = [{"field": e.field, "code": e.code, "message": e.message} for e in field_errors]
    elif exc.field:
        errors = [{"field": exc.field, "code": exc.code, "message": exc.message}]
    else:
        errors = None
    extra: dict[str, Any] = {"code": exc.code, "detail": exc.message}
    if errors:
        extra["errors"] = errors
    status = _DOMAIN_STATUS.get(exc.code, 422)
    return problem(request, status, "Request refused", **extra)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, 401, "Authentication required")
    response["WWW-Authenticate"] = "Bearer"  # RFC 9110: a 401 names the scheme to use
    return response


@api.exception_handler(BodyTooLarge)
def on_body_too_large(request: HttpRequest, exc: BodyTooLarge) -> HttpResponse:
    return body_too_large(exc.limit)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))
