"""Gathering what the receipt (受付票) shows from an application, in Japanese."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from jichitai.core.selectors import current_municipality
from jichitai.procedures.documents.receipt_pdf import ReceiptAnswer, ReceiptData, ReceiptSection
from jichitai.procedures.formdoc import rendering, routing
from jichitai.procedures.formdoc.schema import Question
from jichitai.procedures.models import Application, ApplicationStatus
from jichitai.procedures.selectors import attachment_ids
from jichitai.procedures.templatetags.formdoc import answer_text

DECISIONS = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)


def receipt_data(application: Application) -> ReceiptData:
    """The receipt of one application, with its answers as the check-your-answers page shows
    them. The receipt is a Japanese document whatever language the reader uses."""
    with translation.override("ja"):
        document = application.form_version.form()
        answers = application.answers
        sections = [
            ReceiptSection(
                title=page.title.text,
                answers=[
                    ReceiptAnswer(question.label.text, _answer(question, value))
                    for question, value in rendering.summary(page, answers)
                ],
            )
            for page in routing.visible_pages(document, answers)
        ]
        # Files sent later (with an answer to a correction request) are listed after the answers.
        answered = set(attachment_ids(answers))
        later = [a.original_name for a in application.attachments.all() if a.pk not in answered]
        if later:
            sections.append(
                ReceiptSection(
                    title="補正で提出された書類",
                    answers=[ReceiptAnswer("ファイル名", "\n".join(later))],
                )
            )
        decision = (
            application.events.filter(to_status__in=DECISIONS).order_by("-occurred_at").first()
        )
        municipality = current_municipality()
        return ReceiptData(
            municipality=municipality.full_name if municipality else "",
            procedure_title=application.procedure.title_ja,
            receipt_number=application.receipt_number,
            submitted_at=timezone.localtime(application.submitted_at),
            status=str(ApplicationStatus(application.status).label),
            applicant_name=_applicant_name(document.pages, answers)
            or application.applicant.display_name,
            decided_on=(
                timezone.localtime(decision.occurred_at).date()
                if decision is not None and application.status in DECISIONS
                else None
            ),
            sections=sections,
        )


def _answer(question: Question, value: Any) -> str:
    if question.type == "group" and isinstance(value, list):
        # One line per item (e.g. each household member), its answers side by side.
        return "\n".join(
            f"{index}. "
            + "、".join(
                f"{child.label.text}：{answer_text(item.get(child.id), child)}"
                for child in question.questions
            )
            for index, item in enumerate(value, start=1)
        )
    return answer_text(value, question)


def _applicant_name(pages: Any, answers: dict[str, Any]) -> str:
    """The first name the form asked for (the applicant's own, by the forms' convention)."""
    for page in pages:
        for question in page.questions:
            value = answers.get(question.id)
            if question.type == "name" and isinstance(value, dict):
                return f"{value.get('family', '')} {value.get('given', '')}".strip()
    return ""
