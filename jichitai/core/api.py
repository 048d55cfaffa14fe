"""Public API of the core: the municipality and its organisation."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router

from jichitai.core import selectors
from jichitai.core.models import OrgUnit
from jichitai.core.schemas import (
    PROBLEMS,
    DepartmentOut,
    DivisionOut,
    MunicipalityOut,
    SectionOut,
)

router = Router(tags=["municipality"])


def _unit(unit: OrgUnit) -> dict[str, str]:
    return {"code": unit.code, "name_ja": unit.name_ja, "name_en": unit.name_en}


@router.get(
    "/municipality",
    response={200: MunicipalityOut, **PROBLEMS},
    summary="The municipality and its organisation",
)
def municipality(request: HttpRequest) -> MunicipalityOut:
    """The municipality this installation serves, with its divisions (部), departments (課)
    and sections (係)."""
    current = selectors.current_municipality()
    if current is None:
        raise Http404("no municipality is configured")
    organisation = [
        DivisionOut(
            **_unit(division),
            departments=[
                DepartmentOut(
                    **_unit(department), sections=[SectionOut(**_unit(s)) for s in sections]
                )
                for department, sections in departments
            ],
        )
        for division, departments in selectors.organisation_tree(current)
    ]
    return MunicipalityOut(
        code=current.code,
        name_ja=current.name_ja,
        name_en=current.name_en,
        prefecture_ja=current.prefecture_ja,
        prefecture_en=current.prefecture_en,
        is_sample_data=current.is_sample_data,
        organisation=organisation,
    )
