"""IDs drawn from a table's sequence a block at a time (PostgreSQL only)."""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest
from django.db import connection

from jichitai.core.id_blocks import IdBlocks
from jichitai.core.models import Municipality

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="sequences are PostgreSQL's",
    ),
]


def _municipality(**fields: Any) -> Municipality:
    return Municipality(
        name_ja="架空市", code=f"9{next(_codes):05d}", prefecture_ja="東京都", **fields
    )


_codes = itertools.count()


def test_one_draw_serves_many_submissions_and_never_meets_the_default(
    django_assert_num_queries: Any,
) -> None:
    blocks = IdBlocks(Municipality, size=5)
    with django_assert_num_queries(1):
        first = blocks.take(2)
        second = blocks.take(3)
    assert first == sorted(first) and second == sorted(second)
    # Rows saved meanwhile with the table's own default take IDs past the block.
    made = Municipality.objects.bulk_create([_municipality() for _ in range(3)])
    assert not {row.pk for row in made} & {*first, *second}
    with django_assert_num_queries(1):
        third = blocks.take(4)  # the block is used up: a new one
    assert min(third) > max(row.pk for row in made)
    Municipality.objects.bulk_create([_municipality(pk=number) for number in third])
    assert len({*first, *second, *third}) == 9


def test_more_than_a_block_at_once_is_drawn_whole(django_assert_num_queries: Any) -> None:
    blocks = IdBlocks(Municipality, size=2)
    with django_assert_num_queries(1):
        taken = blocks.take(7)
    assert len(set(taken)) == 7


def test_a_forked_process_draws_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = IdBlocks(Municipality, size=10)
    parent = blocks.take(1)
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as if in a child gunicorn forked
    child = blocks.take(1)
    assert child[0] > parent[0] + 9  # past the block the parent holds
    assert connection.vendor == "postgresql"
