"""Appending one entry to the audit chain: number it, link it to the head, move the head.

The head row is locked until the transaction ends, so every audited transaction waits for the
ones before it from the moment it takes the head to its commit. On PostgreSQL that moment is one
statement: it locks the head, inserts the entry with its hash finished in the database (SHA-256
over the same canonical text chain.entry_hash uses) and moves the head, so the lock is held for
that statement and the commit only, not for three round trips and the Python between them.
Other databases take the head, insert and move it with three statements (SQLite lets one writer
in at a time anyway).
"""

from __future__ import annotations

from django.db import connection

from jichitai.governance import chain
from jichitai.governance.models import AuditChainHead, AuditEvent

# Everything an entry holds but its place in the chain (and its ID).
_CHAIN_FIELDS = frozenset({"id", "sequence", "previous_hash", "entry_hash"})
_CONTENT_FIELDS = [
    field for field in AuditEvent._meta.concrete_fields if field.attname not in _CHAIN_FIELDS
]


def append(event: AuditEvent) -> None:
    """Give the unsaved `event` the next sequence number and the head's hash as its previous
    hash, save it, and make it the head. Call inside the transaction that makes the change."""
    if connection.vendor == "postgresql":
        if _append_in_one_statement(event):
            return
        _ensure_head()  # the very first entry: no head row yet
        if _append_in_one_statement(event):
            return
    _append_with_orm(event)


def _append_with_orm(event: AuditEvent) -> None:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        _ensure_head()
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    event.sequence = head.last_sequence + 1
    event.previous_hash = head.last_hash
    event.entry_hash = chain.entry_hash(event.previous_hash, chain.hashed_content(event))
    event.save(force_insert=True)
    head.last_sequence = event.sequence
    head.last_hash = event.entry_hash
    head.save(update_fields=["last_sequence", "last_hash"])


def _ensure_head() -> None:
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": chain.GENESIS_HASH})


def _statement() -> str:
    event_table = AuditEvent._meta.db_table
    head_table = AuditChainHead._meta.db_table
    columns = ", ".join(connection.ops.quote_name(field.column) for field in _CONTENT_FIELDS)
    values = ", ".join(["%s"] * len(_CONTENT_FIELDS))
    # The head is locked by FOR UPDATE and then moved by the outer UPDATE, in one statement:
    # a transaction that waited for the lock reads (and moves) the head its predecessor left.
    return (
        f"WITH head AS ("  # noqa: S608  (table and column names are our own, values are bound)
        f" SELECT last_sequence + 1 AS sequence, last_hash FROM {head_table}"
        f" WHERE id = 1 FOR UPDATE"
        f"), entry AS ("
        f" INSERT INTO {event_table} (sequence, previous_hash, entry_hash, {columns})"
        f" SELECT head.sequence, head.last_hash,"
        f" encode(sha256(convert_to(%s::text || head.last_hash || %s::text"
        f" || head.sequence::text || %s::text, 'UTF8')), 'hex'), {values}"
        f" FROM head"
        f" RETURNING id, sequence, previous_hash, entry_hash"
        f") UPDATE {head_table} SET last_sequence = entry.sequence, last_hash = entry.entry_hash"
        f" FROM entry WHERE {head_table}.id = 1"
        f" RETURNING entry.id, entry.sequence, entry.previous_hash, entry.entry_hash"
    )


_STATEMENT = _statement()


def _append_in_one_statement(event: AuditEvent) -> bool:
    """False when there is no head row yet (nothing was written)."""
    content = chain.hashed_content(event)
    del content["sequence"]
    values = [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for field in _CONTENT_FIELDS
    ]
    with connection.cursor() as cursor:
        cursor.execute(_STATEMENT, [*chain.payload_around_head(content), *values])
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.sequence, event.previous_hash, event.entry_hash = row
    event._state.adding = False
    event._state.db = connection.alias
    return True
