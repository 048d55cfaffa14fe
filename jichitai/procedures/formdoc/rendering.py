"""Turning stored answers back into form fields, and naming fields for HTML.

Pages are re-shown with what the resident answered before: clean values are flattened into
the same dotted field names a page posts (`name.family`, `members.0.relation`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jichitai.procedures.formdoc.schema import MAX_GROUP_ITEMS, Page, Question

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # how answers keep a date (YYYY-MM-DD)
COMPOUND_PARTS = {
    "name": ("family", "given", "family_kana", "given_kana"),
    "address": ("postal_code", "address"),
    "bank_account": ("bank_code", "branch_code", "account_type", "account_number", "holder_kana"),
}


def html_id(name: str) -> str:
    """An element id for a field name: f-name-family for name.family."""
    return "f-" + name.replace(".", "-").replace("_", "-")


def form_data(page: Page, answers: Mapping[str, Any], blank_group_rows: int = 1) -> dict[str, Any]:
    """The field values to pre-fill a page with, from stored answers."""
    data: dict[str, Any] = {}
    for question in page.questions:
        _flatten(question, question.id, answers.get(question.id), data, blank_group_rows)
    return data


def _flatten(
    question: Question, name: str, value: Any, data: dict[str, Any], blank_rows: int
) -> None:
    if question.type == "group":
        items = value if isinstance(value, list) else []
        for index, item in enumerate(items):
            for child in question.questions:
                _flatten(child, f"{name}.{index}.{child.id}", item.get(child.id), data, 0)
        data[f"{name}.rows"] = _row_count(question, len(items) + blank_rows)
        return
    if value is None:
        return
    if question.type in COMPOUND_PARTS and isinstance(value, dict):
        for part in COMPOUND_PARTS[question.type]:
            data[f"{name}.{part}"] = value.get(part, "")
    elif question.type == "date" and isinstance(value, str) and ISO_DATE.fullmatch(value):
        data[f"{name}.year"], data[f"{name}.month"], data[f"{name}.day"] = (
            value[:4],
            str(int(value[5:7])),
            str(int(value[8:10])),
        )
    elif question.type == "multiple_choice" and isinstance(value, list):
        data[name] = value
    elif question.type == "consent":
        data[name] = "yes" if value else ""
    elif question.type == "file" and isinstance(value, dict):
        data[f"{name}.kept"] = value.get("name", "")
    else:
        data[name] = str(value)


def posted_data(page: Page, posted: Any) -> dict[str, Any]:
    """What was just posted, in the same flat shape, to show again next to its errors."""
    data: dict[str, Any] = {
        key: posted.getlist(key) if len(posted.getlist(key)) > 1 else posted.get(key)
        for key in posted
    }
    for question in page.questions:
        if question.type == "group":
            indices = {index for key in data if (index := row_of(key, question.id)) is not None}
            data[f"{question.id}.rows"] = _row_count(question, max(indices, default=-1) + 1)
        elif question.type == "multiple_choice":
            data[question.id] = posted.getlist(question.id)
    return data


def posted_data_with_added_row(page: Page, posted: Any, group: str) -> dict[str, Any]:
    """What the resident posted, with one more empty row in the repeating group `group`
    (nothing is saved until the page is sent)."""
    data = posted_data(page, posted)
    question = next((q for q in page.questions if q.id == group and q.type == "group"), None)
    if question is not None:  # another name (a crafted request) adds nothing
        data[f"{group}.rows"] = _row_count(question, data[f"{group}.rows"] + 1)
    return data


def row_of(key: str, group: str) -> int | None:
    """The row number in a posted field name of the repeating group `group`
    (`members.<n>.name`), or None when `key` is no such name. ASCII digits only:
    str.isdigit() also takes ² and other scripts' digits, which int() refuses. More than six
    digits count as 1,000,000, past any group's maximum (int() refuses over 4,300 digits)."""
    prefix = f"{group}."
    if not key.startswith(prefix):
        return None
    segment = key[len(prefix) :].split(".", 1)[0]
    if not (segment.isascii() and segment.isdigit()):
        return None
    return int(segment) if len(segment) <= 6 else 10**6


def _row_count(question: Question, wanted: int) -> int:
    """How many rows a repeating group shows: at least one, at most its maximum (a posted row
    number of 999999 must not make a page of a million rows)."""
    return max(1, min(wanted, question.max_items or MAX_GROUP_ITEMS))


def summary(page: Page, answers: Mapping[str, Any]) -> list[tuple[Question, Any]]:
    """The questions of a page that were answered, with their answers, for check-your-answers."""
    return [
        (question, answers[question.id]) for question in page.questions if question.id in answers
    ]
