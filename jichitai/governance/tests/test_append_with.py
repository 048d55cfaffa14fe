"""A change written with its audit entry as one statement (appending.append_with, PostgreSQL):
both commit or neither, without BEGIN and COMMIT, and nothing is written twice when the first
statement finds every chain held."""

from __future__ import annotations

import itertools
import os
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from jichitai.core.combined_insert import row_insert
from jichitai.core.id_blocks import IdBlocks
from jichitai.core.models import Municipality
from jichitai.governance import appending, services
from jichitai.governance.models import AuditChainHead, AuditEvent
from jichitai.governance.selectors import verify_chain

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the statement is its own transaction
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="one statement with data-modifying WITH parts is PostgreSQL's",
    ),
]

_IDS = IdBlocks(Municipality)
_codes = itertools.count()


def _new_municipality(code: str | None = None) -> Municipality:
    municipality = Municipality(
        name_ja="架空市", code=code or f"8{next(_codes):05d}", prefecture_ja="東京都"
    )
    (municipality.pk,) = _IDS.take(1)
    return municipality


def _record_with(municipality: Municipality) -> AuditEvent:
    return services.record_event(
        "test.create",
        target=municipality,
        together_with=[row_insert(municipality, source=appending.HEAD)],
    )


def test_the_row_and_its_entry_are_one_statement() -> None:
    services.record_event("test.first")  # the heads exist
    municipality = _new_municipality()
    with CaptureQueriesContext(connection) as queries:
        event = _record_with(municipality)
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["WITH"]
    assert Municipality.objects.filter(pk=municipality.pk, code=municipality.code).exists()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.object_id == str(municipality.pk) and stored.entry_hash == event.entry_hash
    assert verify_chain().ok


def test_a_unique_violation_leaves_neither_the_row_nor_the_entry() -> None:
    _record_with(_new_municipality(code="899999"))
    with pytest.raises(IntegrityError):
        _record_with(_new_municipality(code="899999"))  # the code is unique
    assert Municipality.objects.filter(code="899999").count() == 1
    assert AuditEvent.objects.count() == 1
    assert verify_chain().ok


def test_inside_a_transaction_it_is_refused() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _record_with(_new_municipality())
    assert not AuditEvent.objects.exists()


def test_with_every_chain_held_it_waits_and_writes_once() -> None:
    services.record_event("test.first")  # the heads exist
    held, release = threading.Event(), threading.Event()

    def hold_every_chain() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT id FROM {AuditChainHead._meta.db_table} FOR UPDATE")  # noqa: S608
                held.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_every_chain)
    holder.start()
    assert held.wait(10)
    # The first statement skips every held head and writes nothing; the second waits for the
    # preferred chain, which the holder lets go of shortly.
    threading.Timer(0.3, release.set).start()
    municipality = _new_municipality()
    try:
        with CaptureQueriesContext(connection) as queries:
            _record_with(municipality)
    finally:
        release.set()
        holder.join()
    assert len(queries.captured_queries) == 2  # skipped every chain, then waited
    assert Municipality.objects.filter(pk=municipality.pk).count() == 1
    assert AuditEvent.objects.filter(action="test.create").count() == 1
    assert verify_chain().ok


def test_before_the_first_entry_the_heads_are_made() -> None:
    AuditChainHead.objects.all().delete()
    municipality = _new_municipality()
    _record_with(municipality)
    assert Municipality.objects.filter(pk=municipality.pk).exists()
    assert verify_chain().ok
