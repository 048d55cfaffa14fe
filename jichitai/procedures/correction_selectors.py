"""Reading what a correction (補正) changed: the answers before and after, per correction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jichitai.procedures.formdoc.schema import FormDocument, Question
from jichitai.procedures.models import ApplicationEvent


@dataclass(frozen=True)
class AnswerChange:
    question: Question | None
    question_id: str
    old: Any
    new: Any


def answer_revisions(
    document: FormDocument, events: Iterable[ApplicationEvent]
) -> list[tuple[ApplicationEvent, list[AnswerChange]]]:
    """The history events that changed answers, each with its changes in form order (the
    question is None for an answer the form version does not define any more)."""
    return [(event, changes_of(document, event.changes)) for event in events if event.changes]


def changes_of(document: FormDocument, changes: dict[str, Any]) -> list[AnswerChange]:
    """Stored changes (question id → {"old", "new"}) with their questions, for display."""
    questions = document.questions()
    return [
        AnswerChange(questions.get(key), key, change.get("old"), change.get("new"))
        for key, change in changes.items()
    ]


def page_titles(document: FormDocument, page_ids: Iterable[str]) -> list[str]:
    """The titles of the named pages, in form order."""
    wanted = set(page_ids)
    return [page.title.text for page in document.pages if page.id in wanted]
