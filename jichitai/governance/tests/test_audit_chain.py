"""The audit log's hash chain: appended in order, and any tampering is found."""

import hashlib
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from jichitai.governance import chain, services
from jichitai.governance.models import CHAINS, AuditChainHead, AuditEvent
from jichitai.governance.selectors import verify_chain

pytestmark = pytest.mark.django_db


def _record_three() -> list[AuditEvent]:
    return [
        services.record_event("auth.sign_in", actor_label="a@example.jp"),
        services.record_event("role.grant", detail={"role": "clerk"}),
        services.record_event("auth.sign_in", outcome="failure", actor_label="b@example.jp"),
    ]


def test_entries_are_numbered_and_linked() -> None:
    first, second, third = _record_three()
    # One connection, nothing else writing: every entry lands in the same chain.
    assert first.chain == second.chain == third.chain
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert verify_chain().ok


def test_entry_times_carry_an_offset() -> None:
    event = services.record_event("auth.sign_in")
    assert event.occurred_at.utcoffset() is not None


def test_audit_verify_passes_on_an_intact_log(capsys) -> None:
    _record_three()
    call_command("audit_verify")
    assert "3 entries verified" in capsys.readouterr().out


def _drop_update_guard() -> None:
    """What an attacker with database access would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER governance_auditevent_no_update ON governance_auditevent")
        else:
            cursor.execute("DROP TRIGGER governance_auditevent_no_update")


def test_the_database_refuses_to_change_an_entry() -> None:
    _record_three()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditevent SET action = 'x' WHERE sequence = 2")


def test_editing_a_row_in_the_database_is_detected() -> None:
    _record_three()
    _drop_update_guard()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE governance_auditevent SET actor_label = 'someone-else' WHERE sequence = 2"
        )
    result = verify_chain()
    assert not result.ok
    assert result.broken_sequence == 2
    with pytest.raises(CommandError, match="entry #2 of chain"):
        call_command("audit_verify")


def test_deleting_a_row_is_detected() -> None:
    _record_three()
    AuditEvent.objects.filter(sequence=2).delete()  # one connection: all in one chain
    result = verify_chain()
    assert (result.ok, result.broken_sequence) == (False, 2)


def test_cutting_the_tail_is_detected() -> None:
    _record_three()
    AuditEvent.objects.filter(sequence=3).delete()
    result = verify_chain()
    assert (result.ok, result.broken_sequence) == (False, 3)


def test_an_entry_rolled_back_with_its_change_leaves_no_gap() -> None:
    services.record_event("a")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record_event("b")
        raise RuntimeError("the change failed")
    services.record_event("c")
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "a",
        "c",
    ]
    assert verify_chain().ok


def test_personal_data_access_names_fields_not_values(make_user) -> None:
    resident = make_user("resident", display_name="大田 花子")
    event = services.record_personal_data_access(
        "view",
        actor=None,
        target=resident,
        subject_id=resident.pk,
        fields=["email", "display_name"],
        purpose="test",
    )
    assert event.action == "personal_data.view"
    assert event.fields == ["display_name", "email"]
    assert event.object_type == "accounts.user" and event.subject_id == resident.pk
    assert "大田 花子" not in str(event.detail)


def test_the_payload_cut_around_the_head_joins_into_the_hashed_text() -> None:
    content = {
        "sequence": 7,
        "action": "application.submit",
        "actor_label": 'quote " and 区民 and \\ and %s',
        "detail": {"b": 1, "a": ["x", None]},
        "subject_id": None,
    }
    without_sequence = {key: value for key, value in content.items() if key != "sequence"}
    before, between, after = chain.payload_around_head(without_sequence)
    previous = "ab" * 32
    joined = before + previous + between + "7" + after
    assert hashlib.sha256(joined.encode()).hexdigest() == chain.entry_hash(previous, content)


def test_entries_with_any_text_verify() -> None:
    services.record_event(
        "role.grant",
        actor_label='区民 太郎 "quoted" \\ %s %(name)s \'',
        detail={"reason": "改行\nタブ\t", "nested": {"z": 1, "a": [1.5, None, True]}},
        fields=["b", "a"],
    )
    services.record_event("auth.sign_in", actor_label="😀")
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_whole() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    failures: list[Exception] = []

    def append_some(worker: int) -> None:
        try:
            for number in range(15):
                with transaction.atomic():
                    services.record_event("test.append", detail={"w": worker, "n": number})
        except Exception as error:  # collected and asserted below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append_some, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    result = verify_chain()
    assert result.ok and result.checked == 90
    # Concurrent transactions took different chains instead of queueing for one.
    assert AuditEvent.objects.values("chain").distinct().count() > 1


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_waits_for_no_chain_uses_a_free_one() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer at a time and one chain")
    services.record_event("test.first")
    preferred = AuditEvent.objects.get().chain
    held = threading.Event()
    release = threading.Event()

    def hold_the_preferred_chain() -> None:
        # Another connection's transaction holds a head (here: the one ours would try first).
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM governance_auditchainhead WHERE id = %s FOR UPDATE",
                    [preferred],
                )
                held.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_preferred_chain)
    holder.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            first = services.record_event("test.beside")
            second = services.record_event("test.beside.again")
    finally:
        release.set()
        holder.join()
    assert first.chain != preferred
    assert second.chain == first.chain  # one transaction's entries stay together
    assert verify_chain().ok


def test_entries_of_one_transaction_share_a_chain() -> None:
    with transaction.atomic():
        events = [services.record_event("test.bulk", detail={"n": n}) for n in range(5)]
    assert len({event.chain for event in events}) == 1
    assert [event.sequence for event in events] == [1, 2, 3, 4, 5]


def test_every_chain_has_a_head_from_the_first_entry() -> None:
    services.record_event("test.first")
    assert set(AuditChainHead.objects.values_list("pk", flat=True)) == set(range(1, CHAINS + 1))


def test_deleting_a_whole_chain_with_its_head_is_detected() -> None:
    event = services.record_event("test.hidden")
    AuditEvent.objects.filter(chain=event.chain).delete()
    AuditChainHead.objects.filter(pk=event.chain).delete()
    result = verify_chain()
    assert (result.ok, result.broken_chain, result.reason) == (
        False,
        event.chain,
        "chain head missing",
    )


def test_an_entry_moved_to_another_chain_is_detected() -> None:
    event = services.record_event("test.moved")
    services.record_event("test.stays")
    _drop_update_guard()
    other = event.chain % CHAINS + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE governance_auditevent SET chain = %s WHERE id = %s", [other, event.pk]
        )
    assert not verify_chain().ok
