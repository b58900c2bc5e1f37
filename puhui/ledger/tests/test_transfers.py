"""Every rule of ``transfers_create``, one result at a time (given / when / then).

Expected totals are worked out by hand in each test, not read back from the code.
"""

import time
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from puhui.ledger.models import Account, Transfer
from puhui.ledger.selectors import ledger_verify
from puhui.ledger.services import (
    BATCH_SIZE_MAX,
    NewTransfer,
    account_create,
    transfers_create,
    transfers_expire_due,
)
from puhui.ledger.tests.factories import fund, source, wallet

pytestmark = pytest.mark.django_db


def totals(account: Account) -> tuple[int, int, int, int]:
    account.refresh_from_db()
    return (account.debits_pending, account.debits_posted,
            account.credits_pending, account.credits_posted)


def move(debit: Account, credit: Account, amount: int, **fields) -> NewTransfer:
    return NewTransfer(id=fields.pop("id", None) or uuid.uuid4(), debit_account_id=debit.id,
                       credit_account_id=credit.id, amount=amount, currency="CNY",
                       code=fields.pop("code", "test"), **fields)


def results(*transfers: NewTransfer) -> list[str]:
    return [outcome.result.value for outcome in transfers_create(list(transfers))]


def test_single_phase_transfer_moves_posted_totals():
    alice, bob = wallet(), wallet()
    fund(alice, 10_000)

    assert results(move(alice, bob, 2_500)) == ["ok"]

    assert totals(alice) == (0, 2_500, 0, 10_000)
    assert totals(bob) == (0, 0, 0, 2_500)
    assert alice.balance_posted == 7_500


def test_retry_with_same_id_returns_exists_and_moves_nothing_twice():
    alice, bob = wallet(), wallet()
    fund(alice, 10_000)
    transfer = move(alice, bob, 1_000)

    assert results(transfer) == ["ok"]
    assert results(transfer) == ["exists"]

    assert totals(bob) == (0, 0, 0, 1_000)
    assert Transfer.objects.filter(id=transfer.id).count() == 1


def test_a_retry_answers_exists_even_when_the_money_has_since_gone():
    alice, bob = wallet(), wallet()
    fund(alice, 1_000)
    transfer = move(alice, bob, 1_000)
    assert results(transfer) == ["ok"]  # alice is now empty: a new transfer would be refused

    assert results(transfer) == ["exists"]
    assert results(move(alice, bob, 1_000)) == ["exceeds_credits"]
    assert totals(bob) == (0, 0, 0, 1_000)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"amount": 999}, "exists_with_different_amount"),
        ({"code": "other"}, "exists_with_different_code"),
        ({"reference": "loan:1"}, "exists_with_different_reference"),
        ({"pending": True}, "exists_with_different_flags"),
        ({"linked": True}, "exists_with_different_flags"),
    ],
)
def test_same_id_with_a_different_field_names_the_field(change, expected):
    alice, bob = wallet(), wallet()
    fund(alice, 10_000)
    first = move(alice, bob, 1_000)
    assert results(first) == ["ok"]
    fields = {"id": first.id, "amount": 1_000} | change
    amount = fields.pop("amount")
    second = move(alice, bob, amount, **fields)
    if second.linked:  # a lone linked transfer leaves its chain open; close it
        assert results(second, move(alice, bob, 1))[0] == expected
    else:
        assert results(second) == [expected]
    assert totals(bob) == (0, 0, 0, 1_000)


def test_same_id_with_different_accounts_names_the_account():
    alice, bob, carol = wallet(), wallet(), wallet()
    fund(alice, 10_000)
    fund(carol, 10_000)
    first = move(alice, bob, 1_000)
    assert results(first) == ["ok"]

    assert results(move(carol, bob, 1_000, id=first.id)) == [
        "exists_with_different_debit_account_id"
    ]
    assert results(move(alice, carol, 1_000, id=first.id)) == [
        "exists_with_different_credit_account_id"
    ]


def test_overdraft_of_a_wallet_is_refused_and_changes_nothing():
    alice, bob = wallet(), wallet()
    fund(alice, 1_000)
    before = totals(alice), totals(bob), Transfer.objects.count()

    assert results(move(alice, bob, 1_001)) == ["exceeds_credits"]

    assert (totals(alice), totals(bob), Transfer.objects.count()) == before


def test_credits_must_not_exceed_debits():
    capped = account_create(kind="limit", owner="x", currency="CNY",
                            credits_must_not_exceed_debits=True)
    other = source()
    fund(other, 500, from_account=capped)  # capped: debits_posted 500
    assert results(move(other, capped, 501)) == ["exceeds_debits"]
    assert results(move(other, capped, 500)) == ["ok"]
    assert totals(capped) == (0, 500, 0, 500)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"amount": 0}, "amount_must_not_be_zero"),
        ({"amount": -5}, "amount_must_not_be_negative"),
        ({"currency": ""}, "currency_must_not_be_empty"),
        ({"code": ""}, "code_must_not_be_empty"),
        ({"timeout_seconds": 10}, "timeout_reserved_for_pending_transfer"),
        ({"pending_id": uuid.UUID(int=7)}, "pending_id_must_be_zero"),
        ({"pending": True, "void_pending_transfer": True}, "flags_are_mutually_exclusive"),
        ({"currency": "USD"}, "transfer_must_have_the_same_currency_as_accounts"),
    ],
)
def test_invalid_fields_are_refused(fields, expected):
    alice, bob = wallet(), wallet()
    fund(alice, 10_000)
    base = {"amount": 100, "currency": "CNY", "code": "test"} | fields
    transfer = NewTransfer(id=uuid.uuid4(), debit_account_id=alice.id,
                           credit_account_id=bob.id, **base)
    assert results(transfer) == [expected]
    assert totals(bob) == (0, 0, 0, 0)


def test_account_ids_are_checked():
    alice = wallet()
    fund(alice, 100)
    missing = 10**12
    assert results(NewTransfer(id=uuid.uuid4(), credit_account_id=alice.id, amount=1,
                               currency="CNY", code="t")) == ["debit_account_id_must_not_be_zero"]
    assert results(NewTransfer(id=uuid.uuid4(), debit_account_id=alice.id, amount=1,
                               currency="CNY", code="t")) == ["credit_account_id_must_not_be_zero"]
    assert results(move(alice, alice, 1)) == ["accounts_must_be_different"]
    assert results(NewTransfer(id=uuid.uuid4(), debit_account_id=missing,
                               credit_account_id=alice.id, amount=1, currency="CNY",
                               code="t")) == ["debit_account_not_found"]
    assert results(NewTransfer(id=uuid.uuid4(), debit_account_id=alice.id,
                               credit_account_id=missing, amount=1, currency="CNY",
                               code="t")) == ["credit_account_not_found"]


def test_accounts_in_different_currencies_cannot_trade():
    cny, usd = wallet(currency="CNY"), wallet(currency="USD")
    fund(cny, 100)
    assert results(move(cny, usd, 10)) == ["accounts_must_have_the_same_currency"]


# --- two-phase --------------------------------------------------------------------------------


def test_pending_reserves_and_full_post_settles():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True)

    assert results(hold) == ["ok"]
    assert totals(alice) == (3_000, 0, 0, 10_000)
    assert totals(escrow) == (0, 0, 3_000, 0)
    alice.refresh_from_db()
    assert alice.balance_available == 7_000

    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id,
                               post_pending_transfer=True)) == ["ok"]
    assert totals(alice) == (0, 3_000, 0, 10_000)
    assert totals(escrow) == (0, 0, 0, 3_000)


def test_partial_post_releases_the_rest():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True)
    results(hold)

    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id, amount=1_200,
                               post_pending_transfer=True)) == ["ok"]

    assert totals(alice) == (0, 1_200, 0, 10_000)
    assert totals(escrow) == (0, 0, 0, 1_200)


def test_void_releases_the_reservation():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True)
    results(hold)

    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id,
                               void_pending_transfer=True)) == ["ok"]
    assert totals(alice) == (0, 0, 0, 10_000)
    assert totals(escrow) == (0, 0, 0, 0)


def test_pending_counts_against_the_overdraft_limit():
    alice, escrow = wallet(), wallet()
    fund(alice, 1_000)
    assert results(move(alice, escrow, 800, pending=True)) == ["ok"]
    assert results(move(alice, escrow, 201)) == ["exceeds_credits"]
    assert results(move(alice, escrow, 200)) == ["ok"]


def test_pending_resolution_errors():
    alice, escrow, other = wallet(), wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True)
    results(hold)
    posted = move(alice, escrow, 10)
    results(posted)

    def post(**fields):
        return results(NewTransfer(id=uuid.uuid4(), post_pending_transfer=True, **fields))[0]

    assert post() == "pending_id_must_not_be_zero"
    assert post(pending_id=uuid.uuid4()) == "pending_transfer_not_found"
    assert post(pending_id=posted.id) == "pending_transfer_not_pending"
    assert post(pending_id=hold.id, amount=3_001) == "exceeds_pending_transfer_amount"
    assert post(pending_id=hold.id, debit_account_id=other.id) == (
        "pending_transfer_has_different_debit_account_id")
    assert post(pending_id=hold.id, credit_account_id=other.id) == (
        "pending_transfer_has_different_credit_account_id")
    assert post(pending_id=hold.id, currency="USD") == "pending_transfer_has_different_currency"
    assert post(pending_id=hold.id, code="other") == "pending_transfer_has_different_code"
    assert post(pending_id=hold.id, timeout_seconds=5) == "timeout_reserved_for_pending_transfer"
    same = uuid.uuid4()
    assert results(NewTransfer(id=same, pending_id=same, void_pending_transfer=True)) == [
        "pending_id_must_be_different"]
    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id, amount=5,
                               void_pending_transfer=True)) == [
        "pending_transfer_has_different_amount"]
    assert totals(escrow) == (0, 0, 3_000, 10)

    assert post(pending_id=hold.id) == "ok"
    assert post(pending_id=hold.id) == "pending_transfer_already_posted"
    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id,
                               void_pending_transfer=True)) == ["pending_transfer_already_posted"]


def test_void_then_post_is_already_voided():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True)
    results(hold)
    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id,
                               void_pending_transfer=True)) == ["ok"]
    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id,
                               post_pending_transfer=True)) == ["pending_transfer_already_voided"]


def test_pending_transfers_expire_after_their_timeout():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True, timeout_seconds=60)
    results(hold)
    later = timezone.now() + timedelta(seconds=61)

    assert transfers_expire_due(now=timezone.now()) == 0  # not yet due
    assert transfers_expire_due(now=later) == 1
    assert transfers_expire_due(now=later) == 0  # idempotent

    assert totals(alice) == (0, 0, 0, 10_000)
    assert totals(escrow) == (0, 0, 0, 0)
    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id,
                               post_pending_transfer=True)) == ["pending_transfer_expired"]
    assert ledger_verify().ok


def test_a_post_after_the_timeout_is_refused_before_the_sweep_runs():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True, timeout_seconds=1)
    results(hold)

    time.sleep(1.1)  # past the timeout; the expiry sweep has not run yet

    assert results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id,
                               post_pending_transfer=True)) == ["pending_transfer_expired"]
    assert totals(escrow) == (0, 0, 3_000, 0)


def test_post_and_void_retried_return_exists():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True)
    results(hold)
    post = NewTransfer(id=uuid.uuid4(), pending_id=hold.id, post_pending_transfer=True)
    assert results(post) == ["ok"]
    assert results(post) == ["exists"]
    assert results(NewTransfer(id=post.id, pending_id=hold.id, amount=7,
                               post_pending_transfer=True)) == ["exists_with_different_amount"]
    assert results(NewTransfer(id=post.id, pending_id=uuid.uuid4(),
                               post_pending_transfer=True)) == ["exists_with_different_pending_id"]


# --- linked chains ----------------------------------------------------------------------------


def test_linked_chain_succeeds_as_one():
    alice, bob, carol = wallet(), wallet(), wallet()
    fund(alice, 1_000)
    assert results(
        move(alice, bob, 600, linked=True),
        move(bob, carol, 600),
    ) == ["ok", "ok"]
    assert totals(carol) == (0, 0, 0, 600)


def test_linked_chain_fails_as_one_and_later_transfers_still_run():
    alice, bob, carol = wallet(), wallet(), wallet()
    fund(alice, 1_000)
    before = totals(alice), totals(bob), totals(carol)

    assert results(
        move(alice, bob, 600, linked=True),
        move(bob, carol, 700, linked=True),  # bob only holds 600 within the chain
        move(alice, carol, 1),
        move(alice, carol, 5),  # not linked: runs on its own
    ) == ["linked_event_failed", "exceeds_credits", "linked_event_failed", "ok"]

    alice_after, bob_after, carol_after = totals(alice), totals(bob), totals(carol)
    assert bob_after == before[1]
    assert alice_after == (0, 5, 0, 1_000)
    assert carol_after == (0, 0, 0, 5)


def test_open_chain_at_the_end_of_a_batch_fails():
    alice, bob = wallet(), wallet()
    fund(alice, 1_000)
    assert results(move(alice, bob, 1, linked=True), move(alice, bob, 2, linked=True)) == [
        "linked_event_failed", "linked_event_chain_open"]
    assert totals(bob) == (0, 0, 0, 0)


def test_a_failed_chain_frees_its_ids_for_a_later_transfer_in_the_batch():
    alice, bob = wallet(), wallet()
    fund(alice, 100)
    reused = uuid.uuid4()
    assert results(
        move(alice, bob, 50, id=reused, linked=True),
        move(alice, bob, 500),
        move(alice, bob, 50, id=reused),
    ) == ["linked_event_failed", "exceeds_credits", "ok"]
    assert totals(bob) == (0, 0, 0, 50)


def test_duplicate_id_within_a_batch_is_exists():
    alice, bob = wallet(), wallet()
    fund(alice, 100)
    transfer = move(alice, bob, 10)
    assert results(transfer, transfer) == ["ok", "exists"]
    assert totals(bob) == (0, 0, 0, 10)


# --- the database's own guards ----------------------------------------------------------------


def test_the_database_refuses_update_and_delete_of_transfers():
    alice, bob = wallet(), wallet()
    fund(alice, 100)
    transfer = move(alice, bob, 10)
    results(transfer)
    table = Transfer._meta.db_table
    key = transfer.id if connection.features.has_native_uuid_field else transfer.id.hex
    for statement in (f"UPDATE {table} SET amount = 1 WHERE id = %s",
                      f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement, [key])
    assert Transfer.objects.get(id=transfer.id).amount == 10


def test_the_database_refuses_an_overdrawn_wallet_row():
    alice = wallet()
    fund(alice, 100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(id=alice.id).update(debits_posted=101)
    assert totals(alice) == (0, 0, 0, 100)


def test_batches_are_bounded():
    with pytest.raises(ValueError, match="at most"):
        transfers_create([NewTransfer(id=uuid.uuid4())] * (BATCH_SIZE_MAX + 1))
    assert transfers_create([]) == []


def test_verify_passes_after_mixed_work_and_names_a_tampered_account():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = move(alice, escrow, 3_000, pending=True)
    results(hold, move(alice, escrow, 100))
    results(NewTransfer(id=uuid.uuid4(), pending_id=hold.id, amount=1_000,
                        post_pending_transfer=True))
    assert ledger_verify().ok

    Account.objects.filter(id=escrow.id).update(credits_posted=999_999)
    report = ledger_verify()
    assert not report.ok
    assert any(f"account {escrow.id} " in problem and "credits_posted" in problem
               for problem in report.problems)


def test_totals_that_would_overflow_64_bits_are_refused():
    top = 2**63 - 1
    big_source, big_sink = source(), source()
    assert results(move(big_source, big_sink, top)) == ["ok"]
    other = source()
    # big_sink's credits are at the maximum; big_source's debits too
    assert results(move(other, big_sink, 1)) == ["overflows_credits"]
    assert results(move(big_source, other, 1)) == ["overflows_debits"]
    assert totals(big_sink) == (0, 0, 0, top)


def test_negative_timeout_is_refused():
    alice, bob = wallet(), wallet()
    fund(alice, 100)
    assert results(move(alice, bob, 1, pending=True, timeout_seconds=-1)) == [
        "timeout_must_not_be_negative"]
