"""An account's latest movements: the newest ones, newest first, each with its balance."""

import uuid

import pytest

from puhui.ledger.selectors import account_movements_latest
from puhui.ledger.services import NewTransfer, transfers_create
from puhui.ledger.tests.factories import fund, wallet

pytestmark = pytest.mark.django_db


def test_latest_movements_are_the_newest_ten_newest_first():
    alice, bob = wallet(), wallet()
    fund(alice, 10_000)  # 100.00 in
    for i in range(11):  # 1.00, 2.00, …, 11.00 out, one request each
        transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=alice.id,
                                      credit_account_id=bob.id, amount=100 * (i + 1),
                                      currency="CNY", code=f"t{i}")])

    latest = account_movements_latest(account=alice, limit=10)

    assert [line.code for line in latest] == [f"t{i}" for i in range(10, 0, -1)]
    # after all eleven: 100.00 - 66.00 = 34.00; each older line had the next one's amount more
    assert [line.balance_posted for line in latest] == [
        3400, 4500, 5500, 6400, 7200, 7900, 8500, 9000, 9400, 9700]
    assert account_movements_latest(account=wallet()) == []
