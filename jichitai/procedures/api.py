"""Procedures API: the published catalogue.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from jichitai.core.pagination import BoundedLimitOffsetPagination
from jichitai.core.schemas import PROBLEMS
from jichitai.procedures import selectors
from jichitai.procedures.models import Procedure
from jichitai.procedures.schemas import ProcedureOut, ProcedureSummaryOut

router = Router(tags=["procedures"])


class CatalogueFilter(Schema):
    q: str = Field("", max_length=100, description="Japanese or English words; all must match")
    department: str = Field("", max_length=40, description="Department code, e.g. seiso-ka")
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
