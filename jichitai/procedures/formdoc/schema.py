"""The form document: pages, questions, conditions (the JSON a form builder edits).

Validated with pydantic; the JSON Schema it generates is checked in as
docs/form-document.schema.json so other tools can validate documents too. Routing only goes
forward: a condition may look only at questions on earlier pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from jichitai.core.plain_text import has_control_characters

IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN)]

QuestionType = Literal[
    "short_text",
    "long_text",
    "number",
    "date",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "address",
    "phone",
    "email",
    "name",
    "file",
    "group",
    "consent",
    "bank_account",
]
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})
MAX_GROUP_ITEMS = 20
# Page ids that are also addresses of the journey's own steps.
RESERVED_PAGE_IDS = frozenset({"check"})


def _fail(code: str, message: str, **context: Any) -> PydanticCustomError:
    """An error whose type is a stable code (form.<what>), so callers can explain it in the
    user's language (see formdoc.messages); `message` is the English text for developers."""
    return PydanticCustomError(code, message, context)


def _is_draft(info: ValidationInfo) -> bool:
    """Drafts in the form builder may be unfinished: pages without questions yet."""
    return bool(info.context and info.context.get("draft"))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """Bilingual text: Japanese required, English optional (Japanese shown when missing)."""

    ja: str = Field(min_length=1, max_length=2000)
    en: str = Field("", max_length=3000)

    @field_validator("ja", "en")
    @classmethod
    def _printable(cls, value: str) -> str:
        if has_control_characters(value):  # a builder import's "\u0000", for one
            raise _fail("form.control_character", "texts cannot hold control characters")
        return value

    @property
    def text(self) -> str:
        """In the active language."""
        return self.en if get_language() == "en" and self.en else self.ja


class Option(Strict):
    value: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
    label: Text


class Question(Strict):
    id: Identifier
    type: QuestionType
    label: Text
    hint: Text | None = None
    required: bool = True
    # Text: characters; number: value; group: items; date: ISO dates or "today".
    min_length: int | None = Field(None, ge=0, le=10000)
    max_length: int | None = Field(None, ge=1, le=10000)
    min_value: int | None = None
    max_value: int | None = None
    min_date: str | None = Field(None, pattern=r"^(today|\d{4}-\d{2}-\d{2})$")
    max_date: str | None = Field(None, pattern=r"^(today|\d{4}-\d{2}-\d{2})$")
    options: list[Option] = Field(default_factory=list, max_length=100)
    questions: list[Question] = Field(default_factory=list, max_length=30)
    max_items: int | None = Field(None, ge=1, le=MAX_GROUP_ITEMS)
    min_items: int | None = Field(None, ge=0, le=MAX_GROUP_ITEMS)
    max_size_mb: int | None = Field(None, ge=1, le=20)

    @field_validator("min_date", "max_date")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        # The pattern lets 2026-02-30 through; a limit must be a date that exists.
        if value is not None and value != "today":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise _fail("form.date_invalid", "{value} is not a date", value=value) from None
        return value

    @model_validator(mode="after")
    def _settings_fit_the_type(self, info: ValidationInfo) -> Question:
        if self.type in CHOICE_TYPES and len(self.options) < 2:
            raise _fail("form.options_too_few", "a choice question needs at least two options")
        if self.type not in CHOICE_TYPES and self.options:
            raise _fail("form.options_not_allowed", "only choice questions have options")
        if len({option.value for option in self.options}) != len(self.options):
            raise _fail("form.option_values_twice", "option values must be unique")
        if self.type == "group":
            if not self.questions and not _is_draft(info):
                raise _fail("form.group_empty", "a group needs questions")
            if any(child.type in {"group", "file"} for child in self.questions):
                raise _fail("form.group_nested", "a group cannot hold groups or files")
            if len({child.id for child in self.questions}) != len(self.questions):
                raise _fail("form.group_ids_twice", "question ids in a group must be unique")
        elif self.questions:
            raise _fail("form.questions_not_allowed", "only groups have questions")
        if (
            self.min_length is not None
            and self.max_length is not None
            and self.min_length > self.max_length
        ):
            raise _fail("form.length_range", "min_length is greater than max_length")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise _fail("form.value_range", "min_value is greater than max_value")
        if (
            self.min_items is not None
            and self.max_items is not None
            and self.min_items > self.max_items
        ):
            raise _fail("form.items_range", "min_items is greater than max_items")
        return self


class Condition(Strict):
    """True when the answer to `question` equals one of `values` (for multiple choice: includes
    one of them), or when `answered` is given and matches whether it was answered."""

    question: Identifier
    values: list[str] = Field(default_factory=list, max_length=100)
    answered: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if bool(self.values) == (self.answered is not None):
            raise _fail("form.condition_test", "a condition tests either values or answered")
        return self


class Page(Strict):
    id: Identifier
    title: Text
    questions: list[Question] = Field(default_factory=list, max_length=30)
    # Shown only when every condition holds (over answers on earlier pages).
    show_if: list[Condition] = Field(default_factory=list, max_length=10)
    # An exit page explains why someone cannot go on; the journey ends there.
    exit_message: Text | None = None

    @model_validator(mode="after")
    def _exit_or_questions(self, info: ValidationInfo) -> Page:
        if self.exit_message is None and not self.questions and not _is_draft(info):
            raise _fail("form.page_empty", "a page needs questions, or an exit message")
        if self.exit_message is not None and self.questions:
            raise _fail("form.exit_with_questions", "an exit page has no questions")
        return self


# Answers that can identify a unit such as a household (世帯) for duplicate checks.
DEDUPE_QUESTION_TYPES = frozenset({"short_text", "number", "phone", "email"})


class Dedupe(Strict):
    """One application per unit (重複申請の防止): per the answer to `question` (e.g. the
    household reference printed on a mailed letter), or, without a question, per applicant
    account — with a verified identity level, that is one per verified person."""

    question: Identifier | None = None


class FormDocument(Strict):
    schema_version: Literal[1] = 1
    title: Text
    pages: list[Page] = Field(min_length=1, max_length=50)
    declaration: Text | None = None
    dedupe: Dedupe | None = None

    @model_validator(mode="after")
    def _ids_and_conditions(self, info: ValidationInfo) -> FormDocument:
        page_ids: set[str] = set()
        seen: dict[str, Question] = {}
        for page in self.pages:
            if page.id in page_ids:
                raise _fail("form.page_id_twice", "page id '{page}' is used twice", page=page.id)
            if page.id in RESERVED_PAGE_IDS:
                raise _fail("form.page_id_reserved", "page id '{page}' is reserved", page=page.id)
            page_ids.add(page.id)
            for condition in page.show_if:
                asked = seen.get(condition.question)
                if asked is None:
                    raise _fail(
                        "form.condition_forward",
                        "page '{page}': a condition may only use questions on earlier pages"
                        " ('{question}')",
                        page=page.id,
                        question=condition.question,
                    )
                allowed = {option.value for option in asked.options} | (
                    {"yes", "no"} if asked.type == "yes_no" else set()
                )
                if condition.values and not set(condition.values) <= allowed:
                    raise _fail(
                        "form.condition_values",
                        "page '{page}': condition values are not options of the question",
                        page=page.id,
                    )
            for question in page.questions:
                if question.id in seen:
                    raise _fail(
                        "form.question_id_twice",
                        "question id '{question}' is used twice",
                        question=question.id,
                    )
                seen[question.id] = question
        if not any(page.questions for page in self.pages) and not _is_draft(info):
            raise _fail("form.asks_nothing", "the form asks nothing")
        if self.dedupe and self.dedupe.question:
            keyed = seen.get(self.dedupe.question)
            if keyed is None or keyed.type not in DEDUPE_QUESTION_TYPES or not keyed.required:
                raise _fail(
                    "form.dedupe_question",
                    "dedupe.question must name a required text, number, phone or email question",
                )
        return self

    def questions(self) -> dict[str, Question]:
        """Every top-level question by id."""
        return {question.id: question for page in self.pages for question in page.questions}

    def page(self, page_id: str) -> Page | None:
        return next((page for page in self.pages if page.id == page_id), None)


def parse(data: Any, *, draft: bool = False) -> FormDocument:
    """Validate a form document; raises pydantic.ValidationError naming the place at fault.

    With `draft`, an unfinished document passes (pages not yet holding questions): the form
    builder keeps such drafts, and publishing parses without it."""
    return FormDocument.model_validate(data, context={"draft": draft})
