"""Parties, products and listings for the demo and the benchmarks, made through the services
(registration, admittance by two operators, deposits on the ledger) as people would make them.

Identity numbers are valid by their check digits (USCC, resident ID, Luhn) and unique within a
process; a benchmark making two hundred investors gets two hundred distinct ones.
"""

import itertools
import secrets
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from stdnum import luhn
from stdnum.cn import ric, uscc

from puhui.custody.ports import CustodyAccount, CustodyCode
from puhui.custody.services import bank_mirror
from puhui.ledger.models import Account
from puhui.ledger.services import NewTransfer, transfer_failures, transfers_create
from puhui.lending.models import Listing, LoanProduct
from puhui.lending.services import (
    application_decide,
    application_mark_reviewed,
    application_submit,
    listing_open,
    product_create,
    wallet_for,
)
from puhui.parties.models import AdmittanceReview, Enterprise, InvestorProfile, Role, User
from puhui.parties.services import (
    enterprise_submit,
    investor_submit,
    review_decide,
    review_mark_reviewed,
    user_create,
)

_serial = itertools.count(1000)
RISK_ANSWERS = {"horizon": "1y-3y", "loss": "hold", "experience": "funds", "share": "5-20"}


def uscc_new() -> str:
    body = f"91330100MA2{next(_serial) % 1_000_000:06d}"
    return body + uscc.calc_check_digit(body)


def resident_id_new(born: date = date(1985, 6, 15)) -> str:
    body = f"330106{born:%Y%m%d}{next(_serial) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips a check digit


def bank_card_new() -> str:
    body = f"62220212{next(_serial):010d}"
    return body + luhn.calc_check_digit(body)


def user_new(role: Role, *, username: str = "", password: str = "") -> User:
    """A user of that role; without a password, one nobody knows (benchmarks use tokens)."""
    return user_create(username=username or f"{role}-{uuid.uuid4().hex[:12]}",
                       password=password or secrets.token_urlsafe(18), role=role)


def operators() -> tuple[User, User]:
    """A maker and a checker: two operators, so four eyes see every decision."""
    return user_new(Role.OPERATOR), user_new(Role.OPERATOR)


def admitted(review: AdmittanceReview, maker: User, checker: User) -> None:
    review_mark_reviewed(review=review, reviewer=maker, note="checked against the documents")
    review_decide(review=review, approver=checker, approve=True, reasons="")


def enterprise_admitted(*, representative: User | None = None, maker: User | None = None,
                        checker: User | None = None, **fields: Any) -> Enterprise:
    maker, checker = (maker, checker) if maker and checker else operators()
    defaults: dict[str, Any] = {
        "name": "Hangzhou Green Tea Shop", "uscc_code": uscc_new(),
        "legal_rep_name": "Wang Fang", "legal_rep_id": resident_id_new(),
        "phone": "13812345678", "industry": "retail", "employees": 8,
        "revenue_wan": Decimal("90"), "total_assets_wan": Decimal("50"),
        "registered_capital_wan": Decimal("10"), "founded_on": date(2019, 3, 1),
        "region": "Zhejiang Hangzhou", "bank_name": "Bank of Hangzhou",
        "bank_account": "330100123456789012"}
    enterprise = enterprise_submit(representative=representative or user_new(Role.BORROWER),
                                   **(defaults | fields))
    admitted(enterprise.review, maker, checker)
    enterprise.refresh_from_db()
    return enterprise


def investor_admitted(*, user: User | None = None, maker: User | None = None,
                      checker: User | None = None, **fields: Any) -> InvestorProfile:
    maker, checker = (maker, checker) if maker and checker else operators()
    defaults: dict[str, Any] = {
        "kind": "person", "full_name": "Li Lei", "resident_id": resident_id_new(),
        "phone": "13900001111", "bank_card": bank_card_new(),
        "declared_income_yuan": Decimal("240000"), "net_worth_yuan": Decimal("1500000"),
        "answers": dict(RISK_ANSWERS)}
    profile = investor_submit(user=user or user_new(Role.INVESTOR), **(defaults | fields))
    admitted(profile.review, maker, checker)
    return profile


def deposit_on_the_ledger(wallet: Account, fen: int, key: uuid.UUID | None = None) -> None:
    """Money arriving at the custodian, mirrored on the ledger only (no bank process)."""
    failures = transfer_failures(transfers_create([NewTransfer(
        id=key or uuid.uuid4(), debit_account_id=bank_mirror().id, credit_account_id=wallet.id,
        amount=fen, currency=wallet.currency, code=CustodyCode.DEPOSIT)]))
    if failures:
        raise RuntimeError(f"a deposit was refused by the ledger: {failures}")


def investor_with_money(fen: int, **fields: Any) -> User:
    profile = investor_admitted(**fields)
    deposit_on_the_ledger(wallet_for(owner=profile.user.ledger_owner,
                                     kind=CustodyAccount.INVESTOR_WALLET), fen)
    return profile.user


def product_new(**fields: Any) -> LoanProduct:
    return product_create(**({
        "code": f"smb-{uuid.uuid4().hex[:6]}", "name_en": "SMB working capital",
        "name_zh": "小微经营贷", "amount_min_fen": 1_000_00, "amount_max_fen": 1_000_000_00,
        "terms_months": [3, 6, 12], "methods": ["equal-installment", "equal-principal",
                                                  "interest-only", "bullet"],
        "rate_annual": Decimal("0.0900"), "upfront_fee_rate": Decimal("0.0100"),
        "fee_per_period_rate": Decimal("0"), "penalty_rate_daily": Decimal("0.0005"),
        "min_ticket_fen": 100_00, "ticket_multiple_fen": 100_00,
        "per_investor_cap_fen": 50_000_00, "risk_level": 3,
        "allocation_order": ["penalty", "fee", "interest", "principal"]} | fields))


def listing_new(*, product: LoanProduct, amount: Decimal, term_months: int = 12,
                method: str = "equal-installment") -> Listing:
    """An application of a new admitted enterprise, reviewed, approved and published."""
    maker, checker = operators()
    enterprise = enterprise_admitted(maker=maker, checker=checker)
    application = application_submit(
        user=enterprise.representative, enterprise=enterprise, product=product, amount=amount,
        term_months=term_months, method=method, purpose_category="inventory",
        purpose_description="stock for the season")
    application_mark_reviewed(application=application, reviewer=maker, note="ok")
    application_decide(application=application, approver=checker, approve=True, reasons="")
    return listing_open(application=application, operator=checker)
