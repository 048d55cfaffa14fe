"""Appending one entry to an audit chain: number it, link it to its chain's head, move the head.

A head row is locked until the transaction ends, so a transaction that appends to a chain holds
it from that moment to its commit (which includes the commit's disk flush). With one chain,
every audited write in the city would wait for the one before it: that one lock set the pace of
a whole surge of applications. So there are CHAINS chains, and on PostgreSQL an entry goes to
whichever chain no other transaction holds (`FOR UPDATE SKIP LOCKED`), trying first the chain
this connection is likely to hold already, so that one transaction's entries stay in one chain.
One statement locks the head, inserts the entry with its hash finished in the database (SHA-256
over the same canonical text chain.entry_hash uses) and moves the head. Only when every chain is
held does a transaction wait, for the chain its connection prefers.

Other databases take chain 1's head, insert and move it with three statements (SQLite lets one
writer in at a time anyway).

append_with writes other new rows in that same statement, in autocommit: the change and its
entry are then one statement and one transaction (core.combined_insert), without BEGIN and
COMMIT round trips, and the head is held only while that statement commits.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connection

from jichitai.core.combined_insert import RowInsert, with_parts
from jichitai.core.rows import fetch_row
from jichitai.governance import chain
from jichitai.governance.models import CHAINS, AuditChainHead, AuditEvent

# Everything an entry holds but its place in the chain (and its ID).
_PLACE_FIELDS = frozenset({"id", "chain", "sequence", "previous_hash", "entry_hash"})
_CONTENT_FIELDS = [
    field for field in AuditEvent._meta.concrete_fields if field.attname not in _PLACE_FIELDS
]


def append(event: AuditEvent) -> None:
    """Give the unsaved `event` a chain, the next sequence number in it and that chain's head
    hash as its previous hash, save it, and make it the head. Call inside the transaction that
    makes the change."""
    if connection.vendor == "postgresql":
        for head_choice in (_ANY_FREE_CHAIN, _PREFERRED_CHAIN):
            if _append_in_one_statement(head_choice, event):
                return
        _ensure_heads()  # the very first entry: no head rows yet
        if _append_in_one_statement(_PREFERRED_CHAIN, event):
            return
    _append_with_orm(event)


# The WITH part holding the head a statement took: rows written with an entry (append_with)
# select from it, so that nothing is written when no head was taken.
HEAD = "head"


def append_with(event: AuditEvent, inserts: Sequence[RowInsert]) -> None:
    """Write `inserts` (core.combined_insert, each selecting from HEAD) and append `event` in
    one statement. PostgreSQL only, outside any transaction (the statement is one): a unique
    violation in any part raises IntegrityError and leaves nothing written."""
    if connection.in_atomic_block:
        raise RuntimeError("append_with runs its own statement as its transaction")
    for head_choice in (_ANY_FREE_CHAIN, _PREFERRED_CHAIN):
        if _append_in_one_statement(head_choice, event, inserts):
            return
    _ensure_heads()
    if not _append_in_one_statement(_PREFERRED_CHAIN, event, inserts):
        raise RuntimeError("no audit chain head to append to")


def _append_with_orm(event: AuditEvent) -> None:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        _ensure_heads()
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    event.chain = head.pk
    event.sequence = head.last_sequence + 1
    event.previous_hash = head.last_hash
    event.entry_hash = chain.entry_hash(event.previous_hash, chain.hashed_content(event))
    event.save(force_insert=True)
    head.last_sequence = event.sequence
    head.last_hash = event.entry_hash
    head.save(update_fields=["last_sequence", "last_hash"])


def _ensure_heads() -> None:
    """Every chain's head, at the start of the log (migrations make them; a test database's
    flush removes them)."""
    existing = set(AuditChainHead.objects.values_list("pk", flat=True))
    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(pk=number, last_hash=chain.GENESIS_HASH)
            for number in range(1, CHAINS + 1)
            if number not in existing
        ],
        ignore_conflicts=True,  # another connection made them first
    )


# The chain a connection tries first: spread by its backend's process ID, so that concurrent
# connections start at different chains, and the same for every entry of one transaction.
_PREFERRED = f"(pg_backend_pid() %% {CHAINS}) + 1"  # (%% is a literal % beside parameters)


@functools.cache
def _statement(head_choice: str, parts: str = "") -> str:
    event_table = AuditEvent._meta.db_table
    head_table = AuditChainHead._meta.db_table
    columns = ", ".join(connection.ops.quote_name(field.column) for field in _CONTENT_FIELDS)
    values = ", ".join(["%s"] * len(_CONTENT_FIELDS))
    # The head is locked by FOR UPDATE and then moved by the outer UPDATE, in one statement:
    # a transaction that waited for the lock reads (and moves) the head its predecessor left.
    return (
        f"WITH {HEAD} AS ("  # noqa: S608  (table and column names are our own, values are bound)
        f" SELECT id, last_sequence + 1 AS sequence, last_hash FROM {head_table} {head_choice}"
        f"){parts}, entry AS ("
        f" INSERT INTO {event_table} (chain, sequence, previous_hash, entry_hash, {columns})"
        f" SELECT head.id, head.sequence, head.last_hash,"
        f" encode(sha256(convert_to(%s::text || head.last_hash || %s::text"
        f" || head.sequence::text || %s::text, 'UTF8')), 'hex'), {values}"
        f" FROM {HEAD}"
        f" RETURNING id, chain, sequence, previous_hash, entry_hash"
        f") UPDATE {head_table} SET last_sequence = entry.sequence, last_hash = entry.entry_hash"
        f" FROM entry WHERE {head_table}.id = entry.chain"
        f" RETURNING entry.id, entry.chain, entry.sequence, entry.previous_hash, entry.entry_hash"
    )


# Whichever chain is free, the preferred one first (a chain this transaction already holds is
# not skipped: its lock is our own).
_ANY_FREE_CHAIN = (
    f"ORDER BY (id - {_PREFERRED} + {CHAINS}) %% {CHAINS} LIMIT 1 FOR UPDATE SKIP LOCKED"
)
# Every chain is held: wait for the preferred one.
_PREFERRED_CHAIN = f"WHERE id = {_PREFERRED} FOR UPDATE"


def _append_in_one_statement(
    head_choice: str, event: AuditEvent, inserts: Sequence[RowInsert] = ()
) -> bool:
    """False when no head row was taken (nothing was written)."""
    content = chain.hashed_content(event)
    del content["sequence"]
    values = [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for field in _CONTENT_FIELDS
    ]
    parts, part_values = with_parts(inserts)
    row = fetch_row(
        _statement(head_choice, parts),
        [*part_values, *chain.payload_around_head(content), *values],
    )
    if row is None:
        return False
    event.pk, event.chain, event.sequence, event.previous_hash, event.entry_hash = row
    event._state.adding = False
    event._state.db = connection.alias
    return True
