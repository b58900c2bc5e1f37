"""``puhui demo``: demo logins for every role and a small ledger to look at. Idempotent."""

import uuid
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from puhui.ledger.models import Account, NormalBalance
from puhui.ledger.services import NewTransfer, account_create, transfers_create
from puhui.parties.models import Role, User
from puhui.parties.services import user_create

DEMO_NAMESPACE = uuid.UUID("0b8a1d4e-5f2c-4e6a-9c3b-7d2e1f0a9b8c")
DEMO_USERS = [
    ("borrower", "demo-borrower", "borrower-demo-2026", Role.BORROWER),
    ("investor", "demo-investor", "investor-demo-2026", Role.INVESTOR),
    ("operator", "demo-operator", "operator-demo-2026", Role.OPERATOR),
    ("regulator", "demo-regulator", "regulator-demo-2026", Role.REGULATOR),
]


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, name)


def _account(*, kind: str, owner: str, **flags: Any) -> Account:
    existing = Account.objects.filter(kind=kind, owner=owner, currency="CNY").first()
    return existing or account_create(kind=kind, owner=owner, currency="CNY", **flags)


class Command(BaseCommand):
    help = "Load demo users (one per role) and a small demo ledger; safe to run again."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = {}
        for key, username, password, role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            users[key] = user or user_create(username=username, password=password, role=role)
        bank = _account(kind="custodian_bank", owner="custodian",
                        normal_balance=NormalBalance.DEBIT)
        investor = _account(kind="investor_wallet", owner=users["investor"].ledger_owner,
                            debits_must_not_exceed_credits=True)
        borrower = _account(kind="borrower_wallet", owner=users["borrower"].ledger_owner,
                            debits_must_not_exceed_credits=True)
        escrow = _account(kind="listing_escrow", owner="listing:demo")
        fees = _account(kind="platform_fee_income", owner="platform")

        def move(name: str, debit: Account, credit: Account, fen: int, code: str,
                 **flags: Any) -> NewTransfer:
            return NewTransfer(id=demo_id(name), debit_account_id=debit.id,
                               credit_account_id=credit.id, amount=fen, currency="CNY",
                               code=code, **flags)

        outcomes = transfers_create([
            move("investor-deposit", bank, investor, 5_000_000, "deposit"),
            move("borrower-deposit", bank, borrower, 200_000, "deposit"),
            move("investor-bid", investor, escrow, 1_000_000, "bid", pending=True),
            move("borrower-fee", borrower, fees, 10_000, "service_fee"),
        ])
        failed = [o for o in outcomes if o.result not in ("ok", "exists")]
        if failed:
            raise RuntimeError(f"demo transfers failed: {failed}")
        self.stdout.write("Demo logins (user name / password):")
        for key, username, password, _role in DEMO_USERS:
            self.stdout.write(f"  {key:<10} {username:<16} {password}")
