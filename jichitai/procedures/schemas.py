"""Shapes of the procedures API, read straight from Procedure objects."""

from __future__ import annotations

from ninja import Schema

from jichitai.procedures.models import Procedure


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ProcedureSummaryOut(Schema):
    slug: str
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    department_code: str
    channel: str
    applicant: str
    identity_level: str

    @staticmethod
    def resolve_department_code(procedure: Procedure) -> str:
        return procedure.department.code


class ProcedureOut(ProcedureSummaryOut):
    description_ja: str
    description_en: str
    eligibility_ja: str
    eligibility_en: str
    documents_ja: list[str]
    documents_en: list[str]
    fee_yen: int
    fee_note_ja: str
    fee_note_en: str
    standard_processing_days: int | None

    @staticmethod
    def resolve_documents_ja(procedure: Procedure) -> list[str]:
        return _lines(procedure.documents_ja)

    @staticmethod
    def resolve_documents_en(procedure: Procedure) -> list[str]:
        return _lines(procedure.documents_en)
