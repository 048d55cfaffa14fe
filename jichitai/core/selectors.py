"""Reads of the municipality and its organisation."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from jichitai.core.models import Municipality, OrgUnit


def current_municipality() -> Municipality | None:
    """The municipality named by JICHITAI_MUNICIPALITY_CODE, or None before any data is loaded."""
    return Municipality.objects.filter(code=settings.JICHITAI_MUNICIPALITY_CODE).first()


def departments() -> QuerySet[OrgUnit]:
    """Active departments (課) with their division, in display order."""
    return (
        OrgUnit.objects.filter(level=OrgUnit.Level.DEPARTMENT, is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order", "code")
    )


def organisation_tree(
    municipality: Municipality,
) -> list[tuple[OrgUnit, list[tuple[OrgUnit, list[OrgUnit]]]]]:
    """部 → 課 → 係 as nested lists, read with one query."""
    units = list(OrgUnit.objects.filter(municipality=municipality, is_active=True))
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda unit: (unit.sort_order, unit.code))
    return [
        (division, [(dept, children.get(dept.pk, [])) for dept in children.get(division.pk, [])])
        for division in children.get(None, [])
    ]
