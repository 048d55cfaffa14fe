"""Which pages a resident sees, given their answers so far (forward-only conditions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.procedures.formdoc.schema import Condition, FormDocument, Page


def condition_holds(condition: Condition, answers: Mapping[str, Any]) -> bool:
    answer = answers.get(condition.question)
    if condition.answered is not None:
        return (answer not in (None, "", [])) is condition.answered
    if isinstance(answer, list):
        return any(value in condition.values for value in answer)
    return answer in condition.values


def visible_pages(document: FormDocument, answers: Mapping[str, Any]) -> list[Page]:
    """The pages this journey goes through, up to and including an exit page if one is reached.

    Answers on pages that are not shown are ignored, so that changing an early answer cannot
    leave a hidden page's answer steering later conditions.
    """
    shown: list[Page] = []
    effective: dict[str, Any] = {}
    for page in document.pages:
        if not all(condition_holds(condition, effective) for condition in page.show_if):
            continue
        shown.append(page)
        if page.exit_message is not None:
            break
        for question in page.questions:
            if question.id in answers:
                effective[question.id] = answers[question.id]
    return shown


def effective_answers(document: FormDocument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only the answers to questions on pages the journey shows (what is submitted)."""
    asked = {
        question.id for page in visible_pages(document, answers) for question in page.questions
    }
    return {key: value for key, value in answers.items() if key in asked}


def unanswered_required(document: FormDocument, answers: Mapping[str, Any]) -> list[str]:
    """The required questions on the shown pages that the answers leave out, in form order."""
    return [
        question.id
        for page in visible_pages(document, answers)
        for question in page.questions
        if question.required and question.id not in answers
    ]


def exit_page(document: FormDocument, answers: Mapping[str, Any]) -> Page | None:
    """The exit page the answers lead to, if any: the resident cannot apply."""
    pages = visible_pages(document, answers)
    return pages[-1] if pages and pages[-1].exit_message is not None else None


def next_page(
    document: FormDocument, answers: Mapping[str, Any], current: str | None
) -> Page | None:
    """The page after `current` (the first page when None); None when the questions are done."""
    pages = visible_pages(document, answers)
    if current is None:
        return pages[0] if pages else None
    ids = [page.id for page in pages]
    if current not in ids:
        return None
    position = ids.index(current) + 1
    return pages[position] if position < len(pages) else None


def previous_page(document: FormDocument, answers: Mapping[str, Any], current: str) -> Page | None:
    pages = visible_pages(document, answers)
    ids = [page.id for page in pages]
    if current not in ids or ids.index(current) == 0:
        return None
    return pages[ids.index(current) - 1]
