"""An application's answers as flat text: columns for the CSV export, and the normalised text
the back office searches (申請の検索).

Both read the answers the way the back office shows them (choice labels, wareki dates, names
with furigana), so what staff see is what they can find and export.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import translation

from jichitai.core.japanese.text import normalize_for_search
from jichitai.procedures.formdoc import routing
from jichitai.procedures.formdoc.schema import FormDocument, Question
from jichitai.procedures.receipts import normalise as normalise_receipt
from jichitai.procedures.templatetags.formdoc import answer_text


def _text(value: Any, question: Question) -> str:
    """The answer as read on the back-office page; stored answers are clean, but an old row
    that no longer fits its question must not stop a search index or an export."""
    try:
        return answer_text(value, question)
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(value)


def answer_cells(document: FormDocument, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each answer as (column header, text), in form order. A repeating group gives one column
    per item and child question (「世帯員 2 氏名」)."""
    cells: list[tuple[str, str]] = []
    for page in routing.visible_pages(document, answers):
        for question in page.questions:
            if question.id not in answers:
                continue
            value = answers[question.id]
            if question.type == "group" and isinstance(value, list):
                for index, item in enumerate(value, 1):
                    if not isinstance(item, dict):
                        continue
                    for child in question.questions:
                        if child.id in item:
                            header = f"{question.label.text} {index} {child.label.text}"
                            cells.append((header, _text(item[child.id], child)))
            else:
                cells.append((question.label.text, _text(value, question)))
    return cells


def applicant_name(document: FormDocument, answers: Mapping[str, Any], fallback: str) -> str:
    """The name given in the form's first name question (氏名), else `fallback` (the account's
    display name)."""
    for question in document.questions().values():
        value = answers.get(question.id)
        if question.type == "name" and isinstance(value, dict):
            name = f"{value.get('family', '')} {value.get('given', '')}".strip()
            if name:
                return name
    return fallback


def _names(value: Any) -> Iterator[dict[str, Any]]:
    """Every name answer, at any depth (household members have names too)."""
    if isinstance(value, dict):
        if "family" in value and "given" in value:
            yield value
        for item in value.values():
            yield from _names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)


def search_text(
    document: FormDocument, answers: Mapping[str, Any], receipt_number: str, display_name: str
) -> str:
    """The normalised text the inbox search matches (core.japanese.text.normalize_for_search:
    width, case and katakana/hiragana folded). Names are also kept without their space, so
    「山田太郎」 and 「やまだ たろう」 both find 山田 太郎（ヤマダ タロウ）."""
    # Japanese labels whatever language the resident applied in: staff search in Japanese.
    with translation.override("ja"):
        parts = [receipt_number, normalise_receipt(receipt_number).replace("-", ""), display_name]
        for name in _names(dict(answers)):
            parts.append(f"{name.get('family', '')}{name.get('given', '')}")
            parts.append(f"{name.get('family_kana', '')}{name.get('given_kana', '')}")
        parts.extend(text for _header, text in answer_cells(document, answers))
    return normalize_for_search(" ".join(parts))


def search_text_of(application: Any) -> str:
    """search_text() for a stored application (its form version, answers and applicant)."""
    return search_text(
        application.form_version.form(),
        application.answers,
        application.receipt_number,
        application.applicant.display_name,
    )
