"""Shapes of the procedures API, read straight from Procedure objects."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from jichitai.procedures.models import Application, Procedure


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


class FormVersionOut(Schema):
    procedure: str
    version: int
    published_at: datetime.datetime
    document: dict[str, Any] = Field(
        description="The form document (schema: docs/form-document.schema.json)"
    )


class ApplicationIn(Schema):
    answers: dict[str, Any] = Field(
        description=(
            "Answers by question id, in the shape applications keep them: text and numbers as"
            " strings or numbers; dates as YYYY-MM-DD; single choice and yes/no (yes|no) as"
            " the option value; multiple choice as a list of option values; name as"
            " {family, given, family_kana, given_kana}; address as {postal_code, address};"
            " bank_account as {bank_code, branch_code, account_type, account_number,"
            " holder_kana}; consent as true; repeating groups as a list of objects; files as"
            " {name, content_base64} (PDF, JPEG or PNG, each within the question's size limit)."
        )
    )


class HistoryEntryOut(Schema):
    status: str
    occurred_at: datetime.datetime
    message: str


class ApplicationOut(Schema):
    receipt_number: str
    procedure: str
    form_version: int
    status: str
    submitted_at: datetime.datetime
    due_date: datetime.date | None
    identity_level: str
    history: list[HistoryEntryOut]

    @staticmethod
    def resolve_procedure(application: Application) -> str:
        return application.procedure.slug

    @staticmethod
    def resolve_form_version(application: Application) -> int:
        return application.form_version.number

    @staticmethod
    def resolve_history(application: Application) -> list[dict[str, Any]]:
        if hasattr(application, "history"):
            return list(application.history)
        return [
            {"status": event.to_status, "occurred_at": event.occurred_at, "message": event.message}
            for event in application.events.all()
        ]
