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
