"""Hand-written one-row reads into model instances (core.rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jichitai.accounts.models import User
from jichitai.core.rows import all_fields, fetch_instance, model_columns

pytestmark = pytest.mark.django_db

_STATEMENT = (
    f"SELECT {model_columns(User, ('id', 'email', 'is_active', 'date_joined'), 'u')},"  # noqa: S608
    f" 40 + 2 AS answer FROM {User._meta.db_table} u WHERE u.email = %s"
)


def test_a_row_becomes_an_instance_converted_as_the_orm_converts(make_user) -> None:
    joined = timezone.now() - dt.timedelta(days=3)
    user = make_user("resident", date_joined=joined)

    found = fetch_instance(
        User, _STATEMENT, [user.email], ("id", "email", "is_active", "date_joined"), ("answer",)
    )

    assert found == user and not found._state.adding
    # SQLite gives text and integers; the instance holds what the ORM would give.
    assert found.date_joined == joined and found.date_joined.tzinfo is not None
    assert found.is_active is True
    assert found.answer == 42  # type: ignore[attr-defined]
    # Columns not read are deferred: asking for one reads it then.
    assert found.get_deferred_fields() == set(all_fields(User)) - {
        "id",
        "email",
        "is_active",
        "date_joined",
    }
    assert found.display_name == user.display_name


def test_no_row_is_none(db) -> None:
    assert fetch_instance(User, _STATEMENT, ["nobody@example.jp"], ("id",)) is None
