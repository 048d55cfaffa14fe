"""Applying in one request, as the JSON API does: every page's answers at once.

Answers come in the shape applications store them (see docs/form-document.schema.json and the
API description): `{"name": {"family": …}, "birth": "2019-04-01", "members": [{…}]}`; files as
`{"name": "…", "content_base64": "…"}`. They are checked page by page with the same rules as
the web journey (formdoc.answers.clean_page), following the form's conditions, so a program
can never file what a resident in the browser could not.

An `Idempotency-Key` makes retries safe: the same key with the same request returns the
application the first request made; the same key with a different request is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from jichitai.core.errors import DomainError
from jichitai.core.rows import all_fields, fetch_instance, model_columns
from jichitai.procedures.formdoc import rendering, routing, schema
from jichitai.procedures.formdoc.answers import UploadCandidate, clean_page
from jichitai.procedures.models import Application, FormVersion, Procedure
from jichitai.procedures.services import attachment_files, intake

KEY_NAMESPACE = "api:"  # keeps API keys apart from the web journey's submission tokens
_OBJECT_TYPES = frozenset({"name", "address", "bank_account"})


@dataclass(frozen=True)
class AnswerError:
    field: str
    code: str
    message: str


class AnswersInvalid(DomainError):
    """Some answers are not acceptable; `errors` names each field (as `answers.<path>`)."""

    def __init__(self, errors: list[AnswerError]) -> None:
        super().__init__(
            "application.invalid_answers",
            _("回答に誤りがあります。"),
            field=errors[0].field if errors else None,
        )
        self.errors = errors


def request_digest(answers: Mapping[str, Any]) -> str:
    """A fingerprint of what was asked for, to tell a retry from a different request."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # surrogatepass: a lone surrogate (a JSON "\ud800" escape) is refused by the answer
    # checks, which run after this; here it must not stop the request first.
    return hashlib.sha256(canonical.encode(errors="surrogatepass")).hexdigest()


def submit_answers(
    user: Any, procedure: Procedure, answers: Mapping[str, Any], idempotency_key: str
) -> tuple[Application, bool]:
    """File an application from complete answers. Returns (application, created): created is
    False when this is a replay of an earlier request with the same key."""
    token = KEY_NAMESPACE + idempotency_key
    digest = request_digest(answers)
    earlier = _earlier(user, token)
    if earlier is not None:
        if not _same_request(earlier, procedure, digest):
            raise _key_reused()
        return earlier, False
    level = intake.check_intake_open(procedure, user)
    form_version = cast(FormVersion, procedure.live_form)  # check_intake_open ensured one
    document = form_version.form()
    values, uploads = _clean(document, answers)
    # The files once, before the transaction: an attempt that fails leaves them without rows
    # (the attachment clean-up removes those), a retry saves the same files' rows.
    files = attachment_files.write_upload_files(user, uploads)
    for _attempt in range(intake.RECEIPT_ATTEMPTS):
        try:
            # Its own transaction (one statement on PostgreSQL): see file_application.
            application, created = intake.file_application(
                user,
                procedure,
                form_version,
                values,
                token,
                request_digest=digest,
                new_attachments=files,
                checked_level=level,
            )
            if not created and not _same_request(application, procedure, digest):
                raise _key_reused()
            return application, created
        except IntegrityError:
            made = intake.application_after_conflict(user, procedure, token, form_version, values)
            if made is not None:
                if not _same_request(made, procedure, digest):
                    raise _key_reused() from None
                return made, False
    raise intake.stale_error()


def _earlier(user: Any, token: str) -> Application | None:
    # The key is unique, so at most one row, read in a hand-written statement: almost every
    # request finds nothing, and compiling an ORM query cost more than running it. The whole
    # row, so that a replay is answered without reading it again.
    return fetch_instance(
        Application, _EARLIER_STATEMENT, [user.pk, token], all_fields(Application)
    )


def _same_request(application: Application, procedure: Procedure, digest: str) -> bool:
    """Whether an application made with a key answers this request: the same answers to the
    same procedure (the key sent again to another procedure is another request, refused, so
    that a client never takes a replay for an application it did not get)."""
    return application.procedure_id == procedure.pk and application.request_digest == digest


_EARLIER_STATEMENT = (
    f"SELECT {model_columns(Application, all_fields(Application), 'a')}"  # noqa: S608  (our names)
    f" FROM {Application._meta.db_table} a WHERE a.applicant_id = %s AND a.idempotency_key = %s"
)


def _key_reused() -> DomainError:
    return DomainError(
        "application.idempotency_key_reused",
        _("この Idempotency-Key は別の内容の申請で使われています。新しいキーを使ってください。"),
        field="Idempotency-Key",
    )


def _clean(
    document: schema.FormDocument, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, UploadCandidate]]:
    """Check every page the answers lead through; raise AnswersInvalid naming each problem."""
    errors: list[AnswerError] = []
    known = document.questions()
    for question_id in answers:
        if question_id not in known:
            errors.append(
                AnswerError(
                    f"answers.{question_id}", "unknown_question", _("この様式にない質問です。")
                )
            )
    values: dict[str, Any] = {}
    uploads: dict[str, UploadCandidate] = {}
    page = routing.next_page(document, values, None)
    while page is not None:
        if page.exit_message is not None:
            raise DomainError(
                "application.not_eligible",
                _("回答の内容から、この手続きは申請できません。") + " " + page.exit_message.text,
            )
        errors.extend(_clean_page(page, answers, values, uploads))
        page = routing.next_page(document, values, page.id)
    if errors:
        raise AnswersInvalid(errors)
    return values, uploads


def _clean_page(
    page: schema.Page,
    answers: Mapping[str, Any],
    values: dict[str, Any],
    uploads: dict[str, UploadCandidate],
) -> list[AnswerError]:
    errors: list[AnswerError] = []
    given: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for question in page.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        problem = _shape_problem(question, value)
        if problem:
            errors.append(AnswerError(f"answers.{question.id}", "invalid_shape", problem))
        elif question.type == "file":
            decoded = _decoded_file(value)
            if isinstance(decoded, str):
                errors.append(AnswerError(f"answers.{question.id}", "invalid_file", decoded))
            else:
                files[question.id] = decoded
        else:
            given[question.id] = value
    result = clean_page(page, _as_posted(page, given), files)
    for name, found in result.errors.items():
        errors.extend(AnswerError(f"answers.{name}", error.code, error.message) for error in found)
    for question_id, value in result.values.items():
        if isinstance(value, UploadCandidate):
            uploads[question_id] = value
            values[question_id] = {"pending_upload": True}  # routing only needs "answered"
        else:
            values[question_id] = value
    return errors


def _shape_problem(question: schema.Question, value: Any) -> str | None:
    """Why a JSON value cannot be an answer to this question at all, if it cannot."""
    if question.type in _OBJECT_TYPES or question.type == "file":
        return None if isinstance(value, dict) else _("オブジェクトで指定してください。")
    if question.type in {"group", "multiple_choice"}:
        if not isinstance(value, list):
            return _("配列で指定してください。")
        if question.type == "group" and not all(isinstance(item, dict) for item in value):
            return _("配列の各要素はオブジェクトで指定してください。")
        return None
    if isinstance(value, (dict, list)):
        return _("文字列か数値で指定してください。")
    if question.type == "date" and not (
        isinstance(value, str) and rendering.ISO_DATE.fullmatch(value)
    ):
        return _("日付は YYYY-MM-DD の形で指定してください。")
    return None


def _decoded_file(value: Mapping[str, Any]) -> SimpleUploadedFile | str:
    name, content = value.get("name"), value.get("content_base64")
    if not isinstance(name, str) or not isinstance(content, str):
        return _("name と content_base64 を文字列で指定してください。")
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return _("content_base64 が正しい Base64 ではありません。")
    # The display name only (files are stored under generated names): its last path part,
    # and "file" for none, which SimpleUploadedFile would refuse ("", ".", "..").
    base = name.replace("\\", "/").rsplit("/", 1)[-1][:200]
    return SimpleUploadedFile(base if base.strip(".") else "file", data)


def _as_posted(page: schema.Page, given: Mapping[str, Any]) -> MultiValueDict[str, str]:
    """JSON answers in the flat shape a browser posts, so the web journey's checks apply.

    Built in one go as the MultiValueDict a QueryDict is: adding to a QueryDict one value at a
    time checks its mutability and text encoding for each (four times the CPU)."""
    return MultiValueDict(
        {
            key: ["" if item is None else str(item) for item in _as_list(value)]
            for key, value in rendering.form_data(page, given, blank_group_rows=0).items()
        }
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
