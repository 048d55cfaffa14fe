"""A JSON API operation's request body, read with the operation's own size limit.

Django holds every body read through `request.body` — as Django Ninja's body parameters read
it — to DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB), right for forms, whose files arrive apart from
the fields. An application filed through the API carries its documents in Base64 inside the
JSON, so a scan the web form accepts must pass here too: such an operation reads its body with
`json_body`, after the token check (an anonymous client makes the server read nothing), up to
the limit it names. Errors come out as Ninja's would, so the API answers them alike.
"""

from __future__ import annotations

import json
from typing import TypeVar

import pydantic
from django.http import HttpRequest
from ninja.errors import HttpError, ValidationError

Model = TypeVar("Model", bound=pydantic.BaseModel)


class BodyTooLarge(Exception):
    """The body is (or says it is) over `limit` bytes; it was not read past the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit


def json_body(request: HttpRequest, model: type[Model], *, limit: int) -> Model:
    """The request's JSON body as `model`. Raises BodyTooLarge, HttpError(400) for a body
    that is not JSON, and Ninja's ValidationError (locations under "body") for one that does
    not fit the model."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # as Django: no usable length, no body
    if declared > limit:
        raise BodyTooLarge(limit)  # before reading a byte of it
    raw = request.read(limit + 1) if declared else b""
    if len(raw) > limit:
        raise BodyTooLarge(limit)
    try:
        data = json.loads(raw) if raw else {}
    except (ValueError, RecursionError):
        raise HttpError(400, "Cannot parse request body") from None
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as invalid:
        raise ValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in invalid.errors()]
        ) from None
