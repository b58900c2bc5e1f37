"""Racing real threads against PostgreSQL: no lost update, no overdraft, no deadlock error.

Each thread has its own database connection and moves money among a handful of wallets that
may not be overdrawn, in batches that touch accounts in random order (the lock helper must sort
them). What the threads were told (ok) must add up exactly to the totals in the database.
"""

import random
import threading
import uuid
from collections import Counter

import pytest
from django.db import connection, connections

from puhui.ledger.models import Account
from puhui.ledger.selectors import ledger_verify
from puhui.ledger.services import NewTransfer, transfers_create
from puhui.ledger.tests.factories import fund, source, wallet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16
BATCHES_PER_THREAD = 12


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is proved on PostgreSQL (SQLite has one writer)")


def race(work, threads: int = THREADS) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def runner(seed: int) -> None:
        try:
            start.wait()
            work(random.Random(seed))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=runner, args=(seed,)) for seed in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return errors


def test_racing_batches_never_overdraw_or_lose_an_update():
    # Given five wallets holding 1,000.00 each
    wallets = [wallet() for _ in range(5)]
    bank = source()
    for account in wallets:
        fund(account, 100_000, from_account=bank)
    ids = [account.id for account in wallets]
    moved: Counter[tuple[int, str]] = Counter()
    moved_lock = threading.Lock()

    def work(rng: random.Random) -> None:
        for _ in range(BATCHES_PER_THREAD):
            batch = []
            for _ in range(rng.randint(1, 20)):
                debit, credit = rng.sample(ids, 2)
                batch.append(NewTransfer(
                    id=uuid.uuid4(), debit_account_id=debit, credit_account_id=credit,
                    amount=rng.randint(1, 40_000), currency="CNY", code="race",
                    linked=rng.random() < 0.2,
                ))
            batch[-1] = NewTransfer(**{**_fields(batch[-1]), "linked": False})
            outcomes = transfers_create(batch)
            with moved_lock:
                for transfer, outcome in zip(batch, outcomes, strict=True):
                    assert outcome.result in ("ok", "exceeds_credits", "linked_event_failed")
                    if outcome.result == "ok":
                        moved[(transfer.debit_account_id, "debit")] += transfer.amount
                        moved[(transfer.credit_account_id, "credit")] += transfer.amount

    # When 16 threads race
    errors = race(work)

    # Then nothing leaked, nobody is overdrawn, and the totals are exactly what was acknowledged
    assert errors == []
    for account in Account.objects.filter(id__in=ids):
        assert account.debits_posted <= account.credits_posted
        assert account.debits_posted == moved[(account.id, "debit")]
        assert account.credits_posted == 100_000 + moved[(account.id, "credit")]
    assert sum(a.balance_posted for a in Account.objects.filter(id__in=ids)) == 500_000
    assert ledger_verify().ok


def test_the_same_ids_racing_are_created_once():
    alice, bob = wallet(), wallet()
    fund(alice, 1_000_000)
    shared = [uuid.uuid4() for _ in range(50)]

    def work(rng: random.Random) -> None:
        batch = [NewTransfer(id=tid, debit_account_id=alice.id, credit_account_id=bob.id,
                             amount=100, currency="CNY", code="retry") for tid in shared]
        rng.shuffle(batch)
        outcomes = transfers_create(batch)
        assert {o.result for o in outcomes} <= {"ok", "exists"}

    assert race(work, threads=8) == []
    bob.refresh_from_db()
    assert bob.credits_posted == 50 * 100
    assert ledger_verify().ok


def test_racing_posts_of_one_pending_transfer_post_it_once():
    alice, escrow = wallet(), wallet()
    fund(alice, 10_000)
    hold = uuid.uuid4()
    [created] = transfers_create([NewTransfer(id=hold, debit_account_id=alice.id,
                                              credit_account_id=escrow.id, amount=7_000,
                                              currency="CNY", code="bid", pending=True)])
    assert created.result == "ok"
    results: list[str] = []

    def work(rng: random.Random) -> None:
        flag = "post_pending_transfer" if rng.random() < 0.5 else "void_pending_transfer"
        [outcome] = transfers_create([NewTransfer(id=uuid.uuid4(), pending_id=hold,
                                                  **{flag: True})])
        results.append(outcome.result.value)

    assert race(work) == []
    assert results.count("ok") == 1
    escrow.refresh_from_db()
    assert escrow.credits_pending == 0
    assert escrow.credits_posted in (0, 7_000)
    assert ledger_verify().ok


def _fields(transfer: NewTransfer) -> dict:
    return {name: getattr(transfer, name) for name in transfer.__dataclass_fields__}
