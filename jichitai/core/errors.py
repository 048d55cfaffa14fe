"""The one exception type for broken business rules."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused an operation.

    `code` is stable (tests and API clients match on it, e.g. `account.email_taken`);
    `message` is translated for the person who made the request; `field` names the
    input at fault, when there is one, so forms and problem JSON can point at it.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
