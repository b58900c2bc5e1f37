"""``puhui demo``: demo logins for every role and a small ledger to look at. Idempotent."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from puhui.ledger.models import Account, NormalBalance
from puhui.ledger.services import NewTransfer, account_create, transfers_create
from puhui.parties.models import AdmittanceReview, Enterprise, InvestorProfile, Role, User
from puhui.parties.services import (
    enterprise_submit,
    investor_submit,
    review_decide,
    review_mark_reviewed,
    user_create,
)

DEMO_NAMESPACE = uuid.UUID("0b8a1d4e-5f2c-4e6a-9c3b-7d2e1f0a9b8c")
DEMO_USERS = [
    ("borrower", "demo-borrower", "borrower-demo-2026", Role.BORROWER),
    ("investor", "demo-investor", "investor-demo-2026", Role.INVESTOR),
    ("operator", "demo-operator", "operator-demo-2026", Role.OPERATOR),
    # a second operator: the checker of maker-checker reviews
    ("checker", "demo-checker", "checker-demo-2026", Role.OPERATOR),
    ("regulator", "demo-regulator", "regulator-demo-2026", Role.REGULATOR),
]
DEMO_ENTERPRISE: dict[str, Any] = dict(
    name="Hangzhou West Lake Tea House", uscc_code="91330106MA2B00001Y",
    legal_rep_name="Chen Jing", legal_rep_id="330106198506151006", phone="13800000001",
    industry="catering", employees=12, revenue_wan=Decimal("260"),
    total_assets_wan=Decimal("120"), registered_capital_wan=Decimal("50"),
    founded_on=date(2018, 4, 8), region="Zhejiang Hangzhou", bank_name="Bank of Hangzhou",
    bank_account="330106000012345678",
)
DEMO_INVESTOR: dict[str, Any] = dict(
    kind="person", full_name="Zhao Min", resident_id="110105199003070017",
    phone="13900000002", bank_card="6222020200112233446",
    declared_income_yuan=Decimal("300000"), net_worth_yuan=Decimal("2000000"),
    answers={"horizon": "1y-3y", "loss": "hold", "experience": "stocks", "share": "5-20"},
)


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
        self._admitted_parties(users)
        self.stdout.write("Demo logins (user name / password):")
        for key, username, password, _role in DEMO_USERS:
            self.stdout.write(f"  {key:<10} {username:<16} {password}")
        self.stdout.write(
            "Operators and regulators add a second factor at their first sign-in (any "
            "authenticator app); without a phone, `DEBUG=1 .venv/bin/puhui totp code "
            "demo-operator` prints the current code.")

    def _admitted_parties(self, users: dict[str, User]) -> None:
        """An approved enterprise for the demo borrower and an approved demo investor."""
        if not Enterprise.objects.filter(representative=users["borrower"]).exists():
            enterprise = enterprise_submit(representative=users["borrower"], **DEMO_ENTERPRISE)
            self._approve(enterprise.review, users)
        if not InvestorProfile.objects.filter(user=users["investor"]).exists():
            profile = investor_submit(user=users["investor"], **DEMO_INVESTOR)
            self._approve(profile.review, users)

    def _approve(self, review: AdmittanceReview, users: dict[str, User]) -> None:
        review_mark_reviewed(review=review, reviewer=users["operator"], note="demo data")
        review_decide(review=review, approver=users["checker"], approve=True, reasons="")
