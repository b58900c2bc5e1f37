"""Ready-made lending parties: a product, an admitted borrower with an approved application,
a listing, and admitted investors with money in their wallets."""

import uuid
from decimal import Decimal
from typing import Any

from puhui.devtools.world import product_new
from puhui.ledger.models import NormalBalance
from puhui.ledger.services import NewTransfer, account_create, transfers_create
from puhui.lending.models import Listing, LoanApplication, LoanProduct
from puhui.lending.services import (
    application_decide,
    application_mark_reviewed,
    application_submit,
    listing_open,
    wallet_for,
)
from puhui.parties.models import Enterprise, Role, User
from puhui.parties.services import review_decide, review_mark_reviewed
from puhui.parties.tests.factories import enterprise_new, investor_new, user_new


def operators() -> tuple[User, User]:
    return user_new(Role.OPERATOR), user_new(Role.OPERATOR)


def admitted_enterprise(**overrides: Any) -> Enterprise:
    maker, checker = operators()
    enterprise = enterprise_new(**overrides)
    review_mark_reviewed(review=enterprise.review, reviewer=maker, note="ok")
    review_decide(review=enterprise.review, approver=checker, approve=True, reasons="")
    enterprise.refresh_from_db()
    return enterprise


def approved_application(product: LoanProduct | None = None, amount: str = "100000",
                         priced_by_grade: bool = False, enterprise: Enterprise | None = None,
                         **overrides: Any) -> LoanApplication:
    """An application through review and approval. Its loan pays the product's rate unless
    ``priced_by_grade``: the tests of repayment arithmetic work at a known 9 %; pricing by the
    credit grade is tested in puhui/credit/tests."""
    product = product or product_new()
    enterprise = enterprise or admitted_enterprise(revenue_wan=Decimal("90"))
    fields: dict[str, Any] = {"term_months": 12, "method": "equal-installment",
              "purpose_category": "inventory", "purpose_description": "tea for the season",
              "planned_payees": []} | overrides
    application = application_submit(user=enterprise.representative, enterprise=enterprise,
                                      product=product, amount=Decimal(amount), **fields)
    if not priced_by_grade and application.credit:
        application.credit["rate_annual"] = str(product.rate_annual)
        application.save(update_fields=["credit"])
    maker, checker = operators()
    application_mark_reviewed(application=application, reviewer=maker, note="ok")
    application_decide(application=application, approver=checker, approve=True, reasons="")
    return application


def listing_new(**kwargs: Any) -> Listing:
    application = approved_application(**kwargs)
    return listing_open(application=application, operator=user_new(Role.OPERATOR))


def investor_with_money(fen: int, **overrides: Any) -> User:
    maker, checker = operators()
    profile = investor_new(**overrides)
    review_mark_reviewed(review=profile.review, reviewer=maker, note="ok")
    review_decide(review=profile.review, approver=checker, approve=True, reasons="")
    wallet = wallet_for(owner=profile.user.ledger_owner, kind="investor_wallet")
    bank = account_create(kind="custodian_bank", owner="bank", currency="CNY",
                          normal_balance=NormalBalance.DEBIT)
    [deposit] = transfers_create([NewTransfer(
        id=uuid.uuid4(), debit_account_id=bank.id, credit_account_id=wallet.id, amount=fen,
        currency="CNY", code="deposit")])
    assert deposit.result == "ok"
    return profile.user
