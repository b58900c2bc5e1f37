"""The stored log (tiles in the database) against the pure module and RFC 6962's vectors, and
its replay: ``puhui audit verify`` passes on what the application wrote and fails on any row
changed, removed or forged by hand in the database."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.audit import log
from puhui.audit.merkle import (
    consistency_proof,
    consistency_verified,
    inclusion_proof,
    inclusion_verified,
    leaf_hash,
    root_of,
)
from puhui.audit.models import LogCheckpoint, LogLeaf, LogTile
from puhui.audit.services import audit_record
from puhui.audit.tests.test_merkle import CONSISTENCY, INCLUSION, LEAF_INPUTS, ROOTS
from puhui.audit.verification import log_verify
from puhui.core.log_sources import LoggedRow
from puhui.core.sql import append_only_remove
from puhui.ledger.tests.factories import fund, wallet

pytestmark = pytest.mark.django_db


def rows(leaves: list[bytes]) -> list[LoggedRow]:
    now = timezone.now()
    return [LoggedRow(str(uuid.uuid4()), now, leaf) for leaf in leaves]


def test_the_stored_log_gives_the_published_roots_and_proofs():
    for size, leaf in enumerate(LEAF_INPUTS, start=1):
        log.log_append("test.vector", rows([leaf]))
        assert log.tree_root(size) == ROOTS[size]
    assert log.leaf_hashes(0, 8) == [leaf_hash(leaf) for leaf in LEAF_INPUTS]
    for index, size, proof in INCLUSION:
        assert log.inclusion_proofs([index], size) == {index: proof}
    for old_size, size, proof in CONSISTENCY:
        assert log.consistency_proof_between(old_size, size) == proof


class MemoryTiles:
    """The tiles of ``tiles_grown`` kept in a dict, read as the database would be."""

    def __init__(self) -> None:
        self.tiles: dict[tuple[int, int], list[bytes]] = {}
        self.edges: dict[int, list[bytes]] = {}
        self.size = 0

    def append(self, hashes: list[bytes]) -> None:
        written = log.tiles_grown(self.size, self.edges, hashes)
        self.tiles.update({key: list(row) for key, row in written.items()})
        self.size += len(hashes)

    def read(self, wanted):
        return {key: self.tiles[key] for key in wanted if key in self.tiles}


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(st.integers(min_value=1, max_value=700), min_size=1, max_size=4),
       picks=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=6))
def test_tiles_answer_as_the_whole_tree_does(batches, picks):
    """Random appends in random batches; random proof requests of any size the log had."""
    store, leaves = MemoryTiles(), []
    for count in batches:
        fresh = [leaf_hash(f"{len(leaves) + i}".encode()) for i in range(count)]
        store.append(fresh)
        leaves += fresh
    for first, second in picks:
        size = max(1, round(first * len(leaves)))
        index = min(size - 1, int(second * size))
        reader = log._TileReader(store.read)
        assert reader.answer(lambda range_hash, size=size: range_hash(0, size)) == root_of(
            leaves[:size])
        proof = reader.answer(
            lambda range_hash, index=index, size=size: log.inclusion_path(index, size, range_hash))
        assert proof == inclusion_proof(leaves[:size], index)
        assert inclusion_verified(leaves[index], index, size, proof, root_of(leaves[:size]))
        old = max(1, index)
        consistent = reader.answer(
            lambda range_hash, old=old, size=size: log.consistency_path(old, size, range_hash))
        assert consistent == consistency_proof(leaves[:size], old)
        assert consistency_verified(old, size, root_of(leaves[:old]), root_of(leaves[:size]),
                                    consistent)


def test_tiles_fill_and_carry_to_the_next_level_in_the_database():
    leaves = [leaf_hash(str(i).encode()) for i in range(256 * 3 + 5)]
    log.log_append("test.count", rows([str(i).encode() for i in range(300)]))
    log.log_append("test.count", rows([str(i).encode() for i in range(300, len(leaves))]))
    assert sorted(LogTile.objects.values_list("level", "number")) == [
        (0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]
    assert len(bytes(LogTile.objects.get(level=1, number=0).hashes)) == 3 * 32
    assert log.tree_root(len(leaves)) == root_of(leaves)
    assert log.inclusion_proofs([0, 770], len(leaves)) == {
        0: inclusion_proof(leaves, 0), 770: inclusion_proof(leaves, 770)}


def some_business():
    """Transfers and audit events as the application writes them."""
    account = wallet()
    fund(account, 10_000)
    fund(account, 2_500)
    audit_record(actor=None, action="test.happened", subject="thing:1", note="masked")


def test_extend_logs_every_new_row_once_and_the_replay_verifies():
    some_business()
    added = log.log_extend()
    assert added == LogLeaf.objects.count() > 0
    assert set(LogLeaf.objects.values_list("source", flat=True)) == {
        "ledger.transfer", "audit.event"}
    assert log.log_extend() == 0  # nothing new: nothing added
    head = log.checkpoint_sign()
    assert log.checkpoint_sign() == head  # the same head is not signed twice
    fund(wallet(), 700)
    assert log.log_extend() == 1  # the new funding transfer
    log.checkpoint_sign()
    result = log_verify()
    assert result.passed, result.problems
    assert (result.size, result.checkpoints) == (added + 1, 2)


def by_hand(table: str, sql: str, params: list) -> None:
    """What someone with the database's password could do: lift the trigger and write."""
    with connection.cursor() as cursor:
        class Editor:  # what append_only_remove needs of a schema editor, inside a transaction
            def execute(self, statement, params=None):
                cursor.execute(statement)
        Editor.connection = connection
        append_only_remove(Editor(), table)
        cursor.execute(sql, params)


def logged_business() -> LogLeaf:
    some_business()
    log.log_extend()
    log.checkpoint_sign()
    return LogLeaf.objects.filter(source="ledger.transfer").order_by("index").first()


def test_a_transfer_edited_in_the_database_fails_the_replay():
    leaf = logged_business()
    by_hand("ledger_transfer", "UPDATE ledger_transfer SET amount = amount + 1 WHERE id = %s",
            [uuid.UUID(leaf.key).hex if connection.vendor == "sqlite" else leaf.key])
    result = log_verify()
    assert not result.passed
    assert any(f"leaf {leaf.index} (ledger.transfer {leaf.key}): the stored hash is not" in p
               for p in result.problems)
    assert any("the rows give another root" in p for p in result.problems)
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit", "verify")


def test_a_row_removed_or_a_leaf_dropped_fails_the_replay():
    logged_business()
    event = LogLeaf.objects.get(source="audit.event")
    by_hand("audit_auditevent", "DELETE FROM audit_auditevent WHERE id = %s", [int(event.key)])
    assert any(f"leaf {event.index} (audit.event {event.key}): the row is gone" in p
               for p in log_verify().problems)
    last = LogLeaf.objects.order_by("-index").first()
    by_hand("audit_logleaf", "DELETE FROM audit_logleaf WHERE \"index\" = %s", [last.index])
    assert any("beyond the log's" in p for p in log_verify().problems)


def test_a_forged_tile_or_checkpoint_fails_the_replay():
    logged_business()
    tile = LogTile.objects.get(level=0, number=0)
    LogTile.objects.filter(pk=tile.pk).update(hashes=b"\x00" * 32 + bytes(tile.hashes)[32:])
    assert "the stored tiles give another root than the rows" in log_verify().problems
    head = LogCheckpoint.objects.get()
    by_hand("audit_logcheckpoint", "UPDATE audit_logcheckpoint SET signature = %s WHERE id = %s",
            [b"\x01" * 64, head.id])
    assert any("the signature does not verify" in p for p in log_verify().problems)


def test_a_late_commit_inside_the_lookback_is_still_logged():
    some_business()
    log.log_extend()
    late = timezone.now() - timedelta(minutes=30)
    from puhui.audit.models import AuditEvent

    AuditEvent.objects.bulk_create([AuditEvent(action="test.late", subject="thing:2",
                                               details={})])
    by_hand("audit_auditevent", "UPDATE audit_auditevent SET created_at = %s WHERE action = %s",
            [late, "test.late"])
    assert log.log_extend() == 1


def test_verify_passes_on_a_log_the_command_built():
    some_business()
    call_command("audit", "extend")
    call_command("audit", "verify")
    assert LogCheckpoint.objects.get().size == LogLeaf.objects.count()


def test_close_of_business_ends_on_a_signed_checkpoint_of_the_day():
    from puhui.core.business_day import business_date_today
    from puhui.operations.close_of_business import close_of_business_run

    some_business()
    outcome = close_of_business_run(business_date=business_date_today())
    [step] = [s for s in outcome.steps if s.name == "audit.log_checkpointed"]
    assert step.result.added == LogLeaf.objects.count() == step.result.size
    assert LogCheckpoint.objects.get().size == step.result.size
    assert log_verify().passed


def test_two_logged_rows_moved_past_each_other_fail_the_replay():
    logged_business()
    first, second = LogLeaf.objects.filter(source="ledger.transfer").order_by("index")[:2]
    swap = 'UPDATE audit_logleaf SET "key" = %s WHERE "index" = %s'
    by_hand("audit_logleaf", swap, ["moving", first.index])
    by_hand("audit_logleaf", swap, [first.key, second.index])
    by_hand("audit_logleaf", swap, [second.key, first.index])
    problems = log_verify().problems
    assert any(f"leaf {first.index} (ledger.transfer {second.key})" in p for p in problems)
    assert any("the rows give another root" in p for p in problems)
