"""Shapes of the core's public API."""

from __future__ import annotations

from ninja import Schema


class SectionOut(Schema):
    code: str
    name_ja: str
    name_en: str


class DepartmentOut(SectionOut):
    sections: list[SectionOut]


class DivisionOut(SectionOut):
    departments: list[DepartmentOut]


class MunicipalityOut(Schema):
    code: str
    name_ja: str
    name_en: str
    prefecture_ja: str
    prefecture_en: str
    is_sample_data: bool
    organisation: list[DivisionOut]


class FieldError(Schema):
    field: str
    code: str | None = None
    message: str


class Problem(Schema):
    """An RFC 9457 problem document (application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    code: str | None = None
    errors: list[FieldError] | None = None


# Responses every operation may give besides its success.
PROBLEMS = {404: Problem, 422: Problem}
