"""Factories for ledger tests: open accounts through the service, as production code does."""

import itertools
import uuid

from puhui.ledger.models import Account
from puhui.ledger.services import NewTransfer, account_create, transfers_create

_counter = itertools.count(1)


def wallet(*, currency: str = "CNY", owner: str = "") -> Account:
    """A customer wallet: it can never be overdrawn."""
    return account_create(
        kind="wallet", owner=owner or f"user:{next(_counter)}", currency=currency,
        debits_must_not_exceed_credits=True,
    )


def source(*, currency: str = "CNY") -> Account:
    """An account without limits, standing for money arriving from outside (the custodian)."""
    return account_create(kind="custodian", owner="bank", currency=currency,
                          normal_balance="debit")


def fund(account: Account, amount: int, *, from_account: Account | None = None) -> Account:
    from_account = from_account or source(currency=account.currency)
    [outcome] = transfers_create([
        NewTransfer(id=uuid.uuid4(), debit_account_id=from_account.id,
                    credit_account_id=account.id, amount=amount, currency=account.currency,
                    code="deposit")
    ])
    assert outcome.result == "ok", outcome
    return from_account
