"""The form builder (様式作成): department administrators edit a procedure's form draft, then
publish it as a new immutable version, unpublish it, import or export it as JSON.

Every edit is a function from the draft's document to a new document; the result is validated
by the form schema (in draft mode, which lets pages wait for their questions) and saved only if
nobody saved another edit in the meantime (the draft's revision).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from jichitai.core.errors import DomainError
from jichitai.governance.services import record_event
from jichitai.procedures.formdoc import schema
from jichitai.procedures.formdoc.messages import Problem, explain
from jichitai.procedures.models import FormDraft, Procedure
from jichitai.procedures.services import catalogue, intake

Document = dict[str, Any]
IMPORT_LIMIT_BYTES = 256 * 1024


class InvalidDocument(DomainError):
    """The edit would leave the form breaking the schema; `problems` says where and why."""

    def __init__(self, problems: list[Problem], *, code: str = "builder.invalid") -> None:
        super().__init__(code, _("様式に誤りがあります。"))
        self.problems = problems


def _conflict() -> DomainError:
    return DomainError(
        "builder.conflict",
        _(
            "ほかの職員がこの様式を先に更新しました。最新の内容を読み込み直してから、もう一度編集してください。"
        ),
    )


def _new_document(procedure: Procedure) -> Document:
    title = {"ja": procedure.title_ja, "en": procedure.title_en}
    return {"title": title, "pages": [{"id": "page1", "title": {"ja": "ページ1", "en": "Page 1"}}]}


def normalised(document: schema.FormDocument) -> Document:
    """A document as stored and exported: settings left at their defaults are omitted."""
    data = document.model_dump(mode="json", exclude_defaults=True)
    data["schema_version"] = document.schema_version
    return data


def draft_of(procedure: Procedure) -> FormDraft:
    """The procedure's form draft, started from its live form (or an empty page) the first time."""
    draft = FormDraft.objects.filter(procedure=procedure).select_related("updated_by").first()
    if draft is not None:
        return draft
    live = procedure.live_form
    document = copy.deepcopy(live.document) if live is not None else _new_document(procedure)
    draft, _created = FormDraft.objects.get_or_create(
        procedure=procedure, defaults={"document": document}
    )
    return draft


def check(document: Any, *, draft: bool = True) -> schema.FormDocument:
    """Parse a document, raising InvalidDocument with translated problems when it is wrong."""
    try:
        return schema.parse(document, draft=draft)
    except ValidationError as error:
        raise InvalidDocument(explain(error)) from None


def edit(
    draft: FormDraft, revision: int, change: Callable[[Document], None], *, actor: Any
) -> FormDraft:
    """Apply `change` to a copy of the draft's document and save it, if the draft is still at
    `revision` and the result passes the schema; otherwise nothing is saved."""
    if revision != draft.revision:
        raise _conflict()
    document = copy.deepcopy(draft.document)
    change(document)
    parsed = check(document)
    return _save(draft, revision, normalised(parsed), actor)


def _save(draft: FormDraft, revision: int, document: Document, actor: Any) -> FormDraft:
    now = timezone.now()
    with transaction.atomic():
        saved = FormDraft.objects.filter(pk=draft.pk, revision=revision).update(
            document=document, revision=F("revision") + 1, updated_at=now, updated_by=actor
        )
        if not saved:
            raise _conflict()
    draft.refresh_from_db()
    return draft


# --- pages -----------------------------------------------------------------------------------


def _page(document: Document, page_id: str) -> dict[str, Any]:
    for page in document["pages"]:
        if page["id"] == page_id:
            return page
    raise DomainError("builder.not_found", _("ページが見つかりません。"))


def _index(items: list[dict[str, Any]], item_id: str) -> int:
    for index, item in enumerate(items):
        if item["id"] == item_id:
            return index
    raise DomainError("builder.not_found", _("項目が見つかりません。"))


def _move(items: list[Any], index: int, direction: str) -> None:
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        raise DomainError("builder.cannot_move", _("これ以上移動できません。"))
    items[index], items[target] = items[target], items[index]


def add_page(draft: FormDraft, revision: int, page: dict[str, Any], *, actor: Any) -> FormDraft:
    """Add a page at the end: a question page (questions come next) or an exit page."""
    return edit(draft, revision, lambda document: document["pages"].append(page), actor=actor)


def update_page(
    draft: FormDraft, revision: int, page_id: str, changes: dict[str, Any], *, actor: Any
) -> FormDraft:
    """Change a page's id, title or exit message (its questions and conditions stay)."""

    def change(document: Document) -> None:
        page = _page(document, page_id)
        page.update(changes)
        if page.get("exit_message") is None:
            page.pop("exit_message", None)

    return edit(draft, revision, change, actor=actor)


def delete_page(draft: FormDraft, revision: int, page_id: str, *, actor: Any) -> FormDraft:
    def change(document: Document) -> None:
        if len(document["pages"]) == 1:
            raise DomainError("builder.last_page", _("最後のページは削除できません。"))
        document["pages"].pop(_index(document["pages"], page_id))

    return edit(draft, revision, change, actor=actor)


def move_page(
    draft: FormDraft, revision: int, page_id: str, direction: str, *, actor: Any
) -> FormDraft:
    """Move a page up or down; a move that puts a condition before its question is refused."""

    def change(document: Document) -> None:
        _move(document["pages"], _index(document["pages"], page_id), direction)

    return edit(draft, revision, change, actor=actor)


def add_condition(
    draft: FormDraft,
    revision: int,
    page_id: str,
    question_id: str,
    values: list[str],
    *,
    actor: Any,
) -> FormDraft:
    """Show the page only when the answer to an earlier question is one of `values`."""

    def change(document: Document) -> None:
        _page(document, page_id).setdefault("show_if", []).append(
            {"question": question_id, "values": values}
        )

    return edit(draft, revision, change, actor=actor)


def remove_condition(
    draft: FormDraft, revision: int, page_id: str, position: int, *, actor: Any
) -> FormDraft:
    def change(document: Document) -> None:
        conditions = _page(document, page_id).get("show_if", [])
        if not 0 <= position < len(conditions):
            raise DomainError("builder.not_found", _("条件が見つかりません。"))
        conditions.pop(position)

    return edit(draft, revision, change, actor=actor)


# --- questions -------------------------------------------------------------------------------


def _questions(document: Document, page_id: str, group_id: str | None) -> list[dict[str, Any]]:
    """The list a question lives in: a page's questions, or a repeating group's."""
    questions: list[dict[str, Any]] = _page(document, page_id).setdefault("questions", [])
    if group_id is None:
        return questions
    group = questions[_index(questions, group_id)]
    if group.get("type") != "group":
        raise DomainError("builder.not_found", _("項目が見つかりません。"))
    children: list[dict[str, Any]] = group.setdefault("questions", [])
    return children


def check_question(question: dict[str, Any]) -> None:
    """Validate one question on its own, so problems can be shown next to its fields."""
    try:
        schema.Question.model_validate(question, context={"draft": True})
    except ValidationError as error:
        raise InvalidDocument(explain(error)) from None


def add_question(
    draft: FormDraft,
    revision: int,
    page_id: str,
    question: dict[str, Any],
    *,
    group_id: str | None = None,
    actor: Any,
) -> FormDraft:
    """Add a question at the end of a page (or of a repeating group on it)."""
    check_question(question)

    def change(document: Document) -> None:
        page = _page(document, page_id)
        if page.get("exit_message") is not None:
            raise DomainError("builder.exit_page", _("終了ページには質問を置けません。"))
        _questions(document, page_id, group_id).append(question)

    return edit(draft, revision, change, actor=actor)


def update_question(
    draft: FormDraft,
    revision: int,
    page_id: str,
    question_id: str,
    question: dict[str, Any],
    *,
    group_id: str | None = None,
    actor: Any,
) -> FormDraft:
    """Replace a question's settings; a group keeps its sub-questions."""
    check_question(question)

    def change(document: Document) -> None:
        questions = _questions(document, page_id, group_id)
        index = _index(questions, question_id)
        if question["type"] == "group" and questions[index].get("type") == "group":
            question["questions"] = questions[index].get("questions", [])
        questions[index] = question

    return edit(draft, revision, change, actor=actor)


def delete_question(
    draft: FormDraft,
    revision: int,
    page_id: str,
    question_id: str,
    *,
    group_id: str | None = None,
    actor: Any,
) -> FormDraft:
    def change(document: Document) -> None:
        questions = _questions(document, page_id, group_id)
        questions.pop(_index(questions, question_id))

    return edit(draft, revision, change, actor=actor)


def move_question(
    draft: FormDraft,
    revision: int,
    page_id: str,
    question_id: str,
    direction: str,
    *,
    group_id: str | None = None,
    actor: Any,
) -> FormDraft:
    def change(document: Document) -> None:
        questions = _questions(document, page_id, group_id)
        _move(questions, _index(questions, question_id), direction)

    return edit(draft, revision, change, actor=actor)


KEEP: Any = object()


def update_settings(
    draft: FormDraft,
    revision: int,
    *,
    title: dict[str, str],
    declaration: dict[str, str] | None,
    actor: Any,
    dedupe: dict[str, Any] | None = KEEP,
) -> FormDraft:
    """The form's title, the declaration residents confirm before submitting, and the
    one-application-per-unit rule (重複申請の防止: `{"question": id}` per answer, `{}` per
    applicant, None for no rule; left as it is when not given). The schema refuses a key
    question that is not a required text, number, phone or email question."""

    def change(document: Document) -> None:
        document["title"] = title
        if declaration is None:
            document.pop("declaration", None)
        else:
            document["declaration"] = declaration
        if dedupe is None:
            document.pop("dedupe", None)
        elif dedupe is not KEEP:
            document["dedupe"] = dedupe

    return edit(draft, revision, change, actor=actor)


# --- publish, unpublish, import, export -------------------------------------------------------


def publish(procedure: Procedure, draft: FormDraft, revision: int, *, actor: Any) -> Any:
    """Publish the draft as the procedure's next immutable form version, after full validation,
    and list the procedure in the catalogue. Applications made earlier keep their version;
    residents' unfinished drafts stay on the version they started with."""
    with transaction.atomic():
        # Locked, so that no edit slips in between checking the draft and publishing it.
        locked = FormDraft.objects.select_for_update().get(pk=draft.pk)
        if revision != locked.revision:
            raise _conflict()
        parsed = check(locked.document, draft=False)
        version = intake.publish_form(procedure, normalised(parsed), actor=actor)
        if not procedure.is_published:
            catalogue.update_procedure(procedure, actor=actor, is_published=True)
    return version


def unpublish(procedure: Procedure, *, actor: Any) -> None:
    """Close online intake: no new applications or drafts. The catalogue entry stays (with the
    counter route), applications already made go on, and residents' drafts are kept: they can
    continue them if the form is published again."""
    if procedure.live_form_id is None:
        raise DomainError("builder.not_published", _("この様式は公開されていません。"))
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        version = locked.live_form_id
        locked.live_form = None
        locked.updated_at = timezone.now()
        locked.save(update_fields=["live_form", "updated_at"])
        record_event(
            "form.unpublish",
            actor=actor,
            target=locked,
            detail={"procedure": locked.slug, "version_id": version},
        )
    procedure.live_form = None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def read_json(raw: bytes | str) -> Any:
    """Decode uploaded or pasted JSON strictly: size-limited, UTF-8, no NaN, no repeated keys."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="replace")
    if len(raw) > IMPORT_LIMIT_BYTES:
        raise DomainError(
            "builder.import_too_large",
            _("JSONが大きすぎます（%(kb)dKBまで）。") % {"kb": IMPORT_LIMIT_BYTES // 1024},
        )
    try:
        text = raw.decode("utf-8-sig")
        return json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicate_keys
        )
    except UnicodeDecodeError:
        raise DomainError("builder.import_encoding", _("JSONはUTF-8で保存してください。")) from None
    except (ValueError, RecursionError):
        raise DomainError(
            "builder.import_not_json", _("JSONとして読み取れません。形式を確認してください。")
        ) from None


def import_document(
    procedure: Procedure, draft: FormDraft, revision: int, raw: bytes | str, *, actor: Any
) -> FormDraft:
    """Replace the draft with an uploaded or pasted document, if it is valid (nothing changes
    otherwise). Recorded in the audit log."""
    if revision != draft.revision:
        raise _conflict()
    data = read_json(raw)
    if not isinstance(data, dict):
        raise DomainError(
            "builder.import_not_object", _("様式のJSONはオブジェクトにしてください。")
        )
    parsed = check(data)
    with transaction.atomic():
        draft = _save(draft, revision, normalised(parsed), actor)
        record_event(
            "form.import",
            actor=actor,
            target=draft,
            detail={"procedure": procedure.slug, "revision": draft.revision},
        )
    return draft


def export_document(draft: FormDraft) -> str:
    """The draft as indented JSON, ready to import elsewhere."""
    return json.dumps(draft.document, ensure_ascii=False, indent=2) + "\n"


def create_procedure(*, actor: Any, **fields: Any) -> Procedure:
    """Add a procedure to the department's catalogue, unlisted, with an empty form draft."""
    with transaction.atomic():
        procedure = catalogue.create_procedure(actor=actor, is_published=False, **fields)
        FormDraft.objects.create(procedure=procedure, document=_new_document(procedure))
    return procedure
