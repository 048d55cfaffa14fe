"""Substring search for Japanese text, behind one small interface.

Japanese has no spaces between words, so we match substrings of normalised text rather than
words. Each searchable model keeps a normalised `search_text` column. On PostgreSQL a
trigram index (pg_trgm, created by the model's migration) serves `LIKE '%…%'`; on SQLite the
same query scans, which is fast at the size of a municipality's catalogue (thousands of rows).
Models that grow to millions of rows get a dedicated index behind this same function.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from jichitai.core.japanese.text import normalize_for_search

M = TypeVar("M", bound=Model)


def search_terms(query: str) -> list[str]:
    """The normalised terms of a query; every one must match."""
    return normalize_for_search(query).split()


def matching(queryset: QuerySet[M], query: str, field: str = "search_text") -> QuerySet[M]:
    """Rows whose normalised `field` contains every term of `query`."""
    for term in search_terms(query):
        queryset = queryset.filter(**{f"{field}__contains": term})
    return queryset
