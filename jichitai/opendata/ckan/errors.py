"""CKAN's action errors, with the exact `__type` strings and HTTP statuses clients rely on.

`ckanapi` maps `error.__type` back to its exception classes, so these strings must never
change (see reference/opendata.md §1.2).
"""

from __future__ import annotations

from typing import Any


class ActionError(Exception):
    type_name = "Internal Server Error"
    status = 500

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def error_body(self) -> dict[str, Any]:
        return {"__type": self.type_name, "message": self.message}


class NotFound(ActionError):
    type_name = "Not Found Error"
    status = 404

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"Not found: {detail}" if detail else "Not found")


class NotAuthorized(ActionError):
    type_name = "Authorization Error"
    status = 403

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"Access denied: {detail}" if detail else "Access denied")


class ValidationError(ActionError):
    """Field-keyed lists of messages, e.g. {"rows": ["Invalid integer"]}; the dict is the body."""

    type_name = "Validation Error"
    status = 409

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(str(errors))
        self.errors = errors

    def error_body(self) -> dict[str, Any]:
        return {**self.errors, "__type": self.type_name}


class SearchQueryError(ActionError):
    type_name = "Search Query Error"
    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(f"Search Query is invalid: {detail}")


class BadRequest(Exception):
    """Answered not with the envelope but with a bare JSON string, as CKAN does."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.body = f"Bad request: {detail}"
