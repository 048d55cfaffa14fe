"""Hand-written one-row reads into model instances (core.rows)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from jichitai.core import rows
from jichitai.core.models import Municipality
from jichitai.core.rows import all_fields, fetch_instance, model_columns

pytestmark = pytest.mark.django_db

_READ = ("id", "name_ja", "code", "is_sample_data")
_STATEMENT = (
    f"SELECT {model_columns(Municipality, _READ, 'm')}, 40 + 2 AS answer"  # noqa: S608
    f" FROM {Municipality._meta.db_table} m WHERE m.code = %s"
)


def test_a_row_becomes_an_instance_converted_as_the_orm_converts() -> None:
    stored = Municipality.objects.create(
        name_ja="架空市", name_en="Kaku", code="999997", prefecture_ja="東京都", is_sample_data=True
    )

    found = fetch_instance(Municipality, _STATEMENT, ["999997"], _READ, ("answer",))

    assert found == stored and not found._state.adding
    assert found.is_sample_data is True  # SQLite gives 1; the instance holds what the ORM gives
    assert found.answer == 42  # type: ignore[attr-defined]
    # Columns not read are deferred: asking for one reads it then.
    assert found.get_deferred_fields() == set(all_fields(Municipality)) - set(_READ)
    assert found.name_en == "Kaku"


def test_no_row_is_none() -> None:
    assert fetch_instance(Municipality, _STATEMENT, ["999996"], _READ, ("answer",)) is None


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="prepared statements are PostgreSQL's",
)
def test_hand_written_statements_are_prepared_and_nothing_else() -> None:
    """Parsed and planned once per connection; an ORM query, however often it runs, is not
    (a generic plan can be far worse for a search)."""
    for _ in range(6):
        fetch_instance(Municipality, _STATEMENT, ["999996"], _READ, ("answer",))
        list(Municipality.objects.filter(code="999996"))
    prepared = _prepared_statements()
    assert len([s for s in prepared if "40 + 2 AS answer" in s]) == 1
    assert not [s for s in prepared if Municipality._meta.db_table in s and "answer" not in s]


def test_placeholders_are_numbered_as_postgresql_writes_them() -> None:
    assert rows._numbered("SELECT %s, (id %% 16) + %s WHERE code = %s") == (
        "SELECT $1, (id % 16) + $2 WHERE code = $3"
    )
