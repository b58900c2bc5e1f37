"""Ledger writes: open accounts, create transfers in batches, expire pending transfers.

``transfers_create`` is the one way money moves. A batch runs in one database transaction:

1. read the pending transfers that the batch posts or voids (immutable rows, no lock needed);
2. lock every account the batch touches, in ascending id order (``accounts_lock``), so two
   batches never wait on each other in a cycle;
3. read which ids already exist and which pending transfers are already resolved — after the
   locks, so a concurrent batch on the same accounts has either committed or not started;
4. decide each transfer in Python against the locked totals, chain by chain (a failed linked
   chain is undone in memory);
5. write the accepted transfers with one multi-row INSERT and the totals with
   ``col = col + delta`` in one statement.

The first attempt skips the look-up of existing ids in step 3, because almost every batch is
new: the primary key refuses a duplicate at the INSERT. If any transfer of that attempt fails
(its answer could depend on an id that already exists), the attempt is dropped before it writes
and the batch reruns with the look-up.

A unique violation (the same id racing in from another batch, or a duplicate the first attempt
did not look for) or a deadlock/serialization/lock-timeout error rolls the batch back and
retries it from step 1; a retry then sees the committed rows and answers ``exists``. Callers
never see those errors.
"""

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.core.money import CURRENCY_EXPONENTS, UNITS
from puhui.ledger._batch import BATCH_SIZE_MAX, batch_run
from puhui.ledger.errors import LedgerError, TransferResult
from puhui.ledger.models import Account, NormalBalance, Transfer, TransferKind
from puhui.ledger.ports import (
    BIGINT_MAX,
    SUCCEEDED,
    LedgerRefused,
    NewTransfer,
    TransferOutcome,
    transfer_failures,
    transfers_require,
)

__all__ = [
    "BATCH_SIZE_MAX", "BIGINT_MAX", "SUCCEEDED", "LedgerRefused", "NewTransfer",
    "TransferOutcome", "account_create", "account_for", "accounts_create", "linked_chain",
    "transfer_failures", "transfers_create", "transfers_expire_due", "transfers_require",
]

EXPIRY_NAMESPACE = uuid.UUID("6f1c3b52-8a4e-4f0e-9a57-3c1d2b7e9f10")


def account_create(
    *,
    kind: str,
    owner: str,
    currency: str,
    normal_balance: str = NormalBalance.CREDIT,
    debits_must_not_exceed_credits: bool = False,
    credits_must_not_exceed_debits: bool = False,
) -> Account:
    return accounts_create(
        [
            dict(
                kind=kind, owner=owner, currency=currency, normal_balance=normal_balance,
                debits_must_not_exceed_credits=debits_must_not_exceed_credits,
                credits_must_not_exceed_debits=credits_must_not_exceed_debits,
            )
        ]
    )[0]


def account_for(*, kind: str, owner: str, currency: str,
                normal_balance: str = NormalBalance.CREDIT,
                debits_must_not_exceed_credits: bool = False) -> Account:
    """The owner's account of that kind and currency, opened on first use."""
    existing = Account.objects.filter(kind=kind, owner=owner, currency=currency).first()
    return existing or account_create(
        kind=kind, owner=owner, currency=currency, normal_balance=normal_balance,
        debits_must_not_exceed_credits=debits_must_not_exceed_credits)


@transaction.atomic
def accounts_create(specs: Iterable[dict]) -> list[Account]:
    """Open accounts in one statement; each spec holds ``account_create``'s keywords."""
    now = timezone.now()
    accounts = []
    for spec in specs:
        if spec["currency"] not in CURRENCY_EXPONENTS and spec["currency"] != UNITS:
            raise PuhuiError(LedgerError.UNKNOWN_CURRENCY, currency=spec["currency"])
        if spec.get("debits_must_not_exceed_credits") and spec.get(
            "credits_must_not_exceed_debits"
        ):
            raise PuhuiError(LedgerError.ACCOUNT_FLAGS_CONFLICT)
        if spec.get("normal_balance", NormalBalance.CREDIT) not in NormalBalance.values:
            raise PuhuiError(LedgerError.INVALID_NORMAL_BALANCE, value=spec["normal_balance"])
        accounts.append(Account(created_at=now, **spec))
    return Account.objects.bulk_create(accounts)


def linked_chain(transfers: Sequence[NewTransfer]) -> list[NewTransfer]:
    """The same transfers as one linked chain: all of them succeed, or none."""
    last = len(transfers) - 1
    return [dataclasses.replace(t, linked=i < last) for i, t in enumerate(transfers)]


def transfers_create(transfers: Sequence[NewTransfer]) -> list[TransferOutcome]:
    """Create a batch of transfers atomically; returns one outcome per transfer, in order."""
    return batch_run(transfers, expiry=False)


def transfers_expire_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Release pending transfers whose timeout has passed; returns how many were expired."""
    now = now or timezone.now()
    due = list(
        Transfer.objects.filter(kind=TransferKind.PENDING, expires_at__lte=now)
        .exclude(Exists(Transfer.objects.filter(pending_id=OuterRef("id"))))
        .order_by("expires_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    expiries = [
        NewTransfer(id=uuid.uuid5(EXPIRY_NAMESPACE, str(pending_id)), pending_id=pending_id)
        for pending_id in due
    ]
    outcomes = batch_run(expiries, expiry=True, now=now)
    return sum(outcome.result == TransferResult.OK for outcome in outcomes)
