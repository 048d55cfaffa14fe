"""Procedures API: the published catalogue, live forms, and applying as a signed-up resident
with a personal API token.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from jichitai.accounts.api_auth import api_token_auth
from jichitai.core.json_body import json_body
from jichitai.core.pagination import BoundedLimitOffsetPagination
from jichitai.core.schemas import PROBLEMS, Problem
from jichitai.procedures import selectors
from jichitai.procedures.models import Application, FormVersion, Procedure
from jichitai.procedures.schemas import (
    ApplicationIn,
    ApplicationOut,
    FormVersionOut,
    ProcedureOut,
    ProcedureSummaryOut,
)
from jichitai.procedures.services import direct

router = Router(tags=["procedures"])

NO_NUL = r"^[^\x00]*$"  # a NUL in a URL is refused (core.middleware.NulCharacterMiddleware)


def idempotency_key_header() -> Any:
    """The `Idempotency-Key` header submitting takes: 8–64 printable ASCII characters."""
    return Header(..., alias="Idempotency-Key", min_length=8, max_length=64, pattern=r"^[!-~]+$")


class CatalogueFilter(Schema):
    q: str = Field(
        "",
        max_length=100,
        pattern=NO_NUL,
        description="Japanese or English words; all must match",
    )
    department: str = Field(
        "", max_length=40, pattern=NO_NUL, description="Department code, e.g. seiso-ka"
    )
    online: bool = Field(False, description="Only procedures that can be applied for online")


@router.get(
    "/procedures",
    response={200: list[ProcedureSummaryOut], **PROBLEMS},
    summary="Search the procedure catalogue",
)
@paginate(BoundedLimitOffsetPagination)
def list_procedures(request: HttpRequest, filters: Query[CatalogueFilter]) -> QuerySet[Procedure]:
    return selectors.search_published_procedures(
        filters.q, department_code=filters.department, online_only=filters.online
    )


@router.get(
    "/procedures/{slug}",
    response={200: ProcedureOut, **PROBLEMS},
    summary="One procedure of the catalogue",
)
def get_procedure(request: HttpRequest, slug: str) -> Procedure:
    procedure = selectors.published_procedure(slug)
    if procedure is None:
        raise Http404
    return procedure


@router.get(
    "/procedures/{slug}/form",
    response={200: FormVersionOut, **PROBLEMS},
    summary="The live form of a procedure that takes applications online",
)
def get_live_form(request: HttpRequest, slug: str) -> dict[str, Any]:
    procedure = selectors.published_procedure(slug)
    if procedure is None or procedure.live_form_id is None or procedure.channel != "online":
        raise Http404
    version: FormVersion = procedure.live_form  # type: ignore[assignment]
    return {
        "procedure": procedure.slug,
        "version": version.number,
        "published_at": version.published_at,
        "document": version.document,
    }


@router.get(
    "/procedures/{slug}/form/versions/{number}",
    response={200: FormVersionOut, **PROBLEMS},
    summary="One published version of a procedure's form",
    description=(
        "Any version the procedure has published, live or earlier: an application keeps the"
        " version it was made with (`form_version` on the application). 404 for a procedure"
        " that is not published or a version it never published."
    ),
)
def get_form_version(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    version = selectors.published_form_version(slug, number)
    if version is None:
        raise Http404
    return {
        "procedure": slug,
        "version": version.number,
        "published_at": version.published_at,
        "document": version.document,
    }


@router.post(
    "/procedures/{slug}/applications",
    auth=api_token_auth,
    response={
        200: ApplicationOut,
        201: ApplicationOut,
        400: Problem,
        401: Problem,
        403: Problem,
        409: Problem,
        **PROBLEMS,
    },
    summary="Apply (idempotent with the Idempotency-Key header)",
    description=(
        "Files an application with all answers at once, checked with the same rules as the web"
        " form. `Idempotency-Key` (8–64 printable ASCII characters, e.g. a UUID) is required:"
        " repeating a request with the same key returns the first application (200, header"
        " `Idempotent-Replayed: true`) instead of making a second; the same key with different"
        " answers is refused (422), and so is the same key sent to another procedure."
        " Refusals are problem documents with a stable `code`. The whole JSON body, files in"
        " Base64 included, may be at most 32 MiB by default (413 above that): room for two"
        " 10 MB documents, or one of the 20 MB a form may allow."
    ),
    # The body is read by the view (core.json_body), past Django's 2 MB for other bodies.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ApplicationIn.model_json_schema()}},
        }
    },
)
def submit_application(
    request: HttpRequest,
    response: HttpResponse,
    slug: str,
    idempotency_key: str = idempotency_key_header(),
) -> Status[Application]:
    payload = json_body(request, ApplicationIn, limit=settings.JICHITAI_API_MAX_BODY_BYTES)
    procedure = selectors.procedure_for_intake(slug)
    if procedure is None:
        raise Http404
    application, created = direct.submit_answers(
        _resident(request), procedure, payload.answers, idempotency_key
    )
    if not created:
        response["Idempotent-Replayed"] = "true"
        return Status(200, _as_replayed(application, procedure))
    application.history = []  # type: ignore[attr-defined]  # just made: no history yet
    return Status(201, application)


@router.get(
    "/applications",
    auth=api_token_auth,
    response={200: list[ApplicationOut], 401: Problem, **PROBLEMS},
    summary="Your applications, newest first",
)
@paginate(BoundedLimitOffsetPagination)
def list_my_applications(request: HttpRequest) -> QuerySet[Application]:
    return _mine(_resident(request))


@router.get(
    "/applications/{receipt_number}",
    auth=api_token_auth,
    response={200: ApplicationOut, 401: Problem, **PROBLEMS},
    summary="The status and history of one of your applications",
)
def get_my_application(request: HttpRequest, receipt_number: str) -> Application:
    application = _mine(_resident(request)).filter(receipt_number=receipt_number).first()
    if application is None:
        raise Http404  # someone else's application is not found either
    return application


def _resident(request: HttpRequest) -> Any:
    """The token's owner (api_token_auth put it on the request)."""
    return request.auth  # type: ignore[attr-defined]


def _as_replayed(application: Application, procedure: Procedure) -> Application:
    """The application an earlier request with the same key made (the resident's own: it was
    found by applicant and key), with what ApplicationOut shows: its history, and its procedure
    and form version, taken from those at hand when it was made with them (the usual case)."""
    if application.procedure_id == procedure.pk:
        application.procedure = procedure
        if application.form_version_id == procedure.live_form_id:
            application.form_version = cast(FormVersion, procedure.live_form)
    prefetch_related_objects([application], "events")
    return application


def _mine(user: Any) -> QuerySet[Application]:
    return selectors.applications_of(user).select_related("form_version").prefetch_related("events")
