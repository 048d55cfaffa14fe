"""Reading and verifying the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from jichitai.governance import chain
from jichitai.governance.models import CHAINS, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    outcome: str = ""
    object_type: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def audit_events(criteria: AuditFilter) -> QuerySet[AuditEvent]:
    """Audit entries matching the criteria, newest first. `until` includes the whole day."""
    events = AuditEvent.objects.all()
    if criteria.action:
        events = events.filter(action__startswith=criteria.action)
    if criteria.actor:
        events = events.filter(actor_label__icontains=criteria.actor)
    if criteria.outcome:
        events = events.filter(outcome=criteria.outcome)
    if criteria.object_type:
        events = events.filter(object_type=criteria.object_type)
    if criteria.since:
        events = events.filter(occurred_at__date__gte=criteria.since)
    if criteria.until:
        events = events.filter(occurred_at__date__lte=criteria.until)
    return events.order_by("-id")


def audit_actions() -> list[str]:
    """The distinct actions recorded so far, for the filter's choices."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


@dataclass(frozen=True)
class ChainVerification:
    checked: int
    broken_sequence: int | None = None
    reason: str = ""
    broken_chain: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken_sequence is None and not self.reason


def verify_chain() -> ChainVerification:
    """Recompute every entry's hash, chain by chain in order; name the first entry that does
    not match.

    Catches an edited entry (its hash no longer matches its content), a deleted or inserted
    one (a gap in its chain's sequence, or a broken link to the previous hash), and a cut tail
    (a chain's head names a later entry than the last one found).
    """
    heads = {head.pk: head for head in AuditChainHead.objects.all()}
    numbers = set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    if numbers:
        # Every chain has its head from the first entry on: a missing head (with its whole
        # chain deleted, perhaps) is tampering too.
        numbers |= set(range(1, CHAINS + 1))
    checked = 0
    for number in sorted(numbers):
        result = _verify_one_chain(number, heads.get(number))
        checked += result.checked
        if not result.ok:
            return ChainVerification(checked, result.broken_sequence, result.reason, number)
    return ChainVerification(checked)


def _verify_one_chain(number: int, head: AuditChainHead | None) -> ChainVerification:
    expected_previous = chain.GENESIS_HASH
    expected_sequence = 1
    checked = 0
    entries = AuditEvent.objects.filter(chain=number).order_by("sequence")
    for event in entries.iterator(chunk_size=2000):
        if event.sequence != expected_sequence:
            return ChainVerification(checked, expected_sequence, "missing entry")
        if event.previous_hash != expected_previous:
            return ChainVerification(checked, event.sequence, "link to previous entry broken")
        if chain.entry_hash(event.previous_hash, chain.hashed_content(event)) != event.entry_hash:
            return ChainVerification(checked, event.sequence, "content does not match its hash")
        expected_previous = event.entry_hash
        expected_sequence += 1
        checked += 1
    if head is None:
        return ChainVerification(checked, checked + 1, "chain head missing")
    if (head.last_sequence, head.last_hash) != (checked, expected_previous):
        return ChainVerification(checked, checked + 1, "entries missing after the last one found")
    return ChainVerification(checked)
