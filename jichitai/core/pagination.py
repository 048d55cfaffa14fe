"""API pagination with limits a database can always execute.

No `from __future__ import annotations`: django-ninja reads these annotations at runtime.
"""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 100
# Past any real list; an offset beyond SQLite's 64-bit integers would fail in the database.
MAX_OFFSET = 1_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """`limit` (1–100, default 20) and `offset` (0–1,000,000); anything else is a 422."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)  # type: ignore[arg-type]
