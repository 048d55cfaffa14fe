"""Hashing of audit entries: what is covered and how, in one place for writer and verifier."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

# The hash before the first entry: 64 zeros, so every entry has a predecessor.
GENESIS_HASH = "0" * 64


def canonical_time(value: dt.datetime) -> str:
    """UTC with microseconds: the same text whichever database stored the value."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(previous_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's content as canonical JSON."""
    return hashlib.sha256(_payload(previous_hash, content).encode("utf-8")).hexdigest()


def payload_around_head(content: Mapping[str, Any]) -> tuple[str, str, str]:
    """The text entry_hash hashes, cut around the two values only the chain head knows:
    for content without its sequence, `before + previous_hash + between + str(sequence) +
    after` is the payload of the entry that gets that sequence and previous hash. The
    database can then finish the hash in the statement that takes the head (appending.py)."""
    hash_marker, sequence_marker = f"@{uuid.uuid4().hex}", f"@{uuid.uuid4().hex}"
    payload = _payload(hash_marker, {**content, "sequence": sequence_marker})
    # The previous hash is a JSON string (hex, nothing to escape): cut inside its quotes.
    # The sequence is a JSON number: cut its quoted marker out whole.
    before, rest = payload.split(hash_marker, 1)
    between, after = rest.split(json.dumps(sequence_marker), 1)
    return before, between, after


def _payload(previous_hash: str, content: Mapping[str, Any]) -> str:
    return json.dumps(
        {"previous_hash": previous_hash, **content},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def hashed_content(event: Any) -> dict[str, Any]:
    """The fields of an AuditEvent that its hash covers (everything but the hashes)."""
    return {
        "sequence": event.sequence,
        "occurred_at": canonical_time(event.occurred_at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "outcome": event.outcome,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "subject_id": event.subject_id,
        "fields": list(event.fields),
        "ip_address": event.ip_address,
        "request_id": event.request_id,
        "detail": dict(event.detail),
    }
