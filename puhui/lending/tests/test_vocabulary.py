"""Every account a loan's life opens and every movement it books is named in the vocabulary
the booking app declares (lending.ports, custody.ports): a listing funded, repaid in part,
defaulted, recovered and written off leaves no kind or code that is not declared."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from puhui.custody.ports import CustodyAccount, CustodyCode
from puhui.ledger.models import Account, Transfer
from puhui.lending.ports import LendingAccount, LendingCode
from puhui.lending.services import bid_place
from puhui.lending.services.collections import loan_write_off, recovery_record
from puhui.lending.services.repayments import repayment_make
from puhui.lending.tests.factories import investor_with_money, listing_new, operators
from puhui.operations.close_of_business import close_of_business_run

pytestmark = pytest.mark.django_db


def test_a_loan_s_whole_life_books_only_declared_kinds_and_codes():
    listing = listing_new(amount="3000", term_months=3, method="equal-principal",
                          planned_payees=[{"name": "Tea Cooperative", "amount": Decimal("500")}])
    investor = investor_with_money(3_000_00)
    bid_place(investor=investor, listing=listing, amount=Decimal("3000"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    loan = listing.loan
    borrower = listing.application.enterprise.representative
    repayment_make(user=borrower, loan=loan, amount=Decimal("100"), repayment_id=uuid.uuid4())
    first_due = loan.installments.order_by("number").first().due_date
    close_of_business_run(business_date=first_due + timedelta(days=95))
    risk_officer = operators()[0]
    recovery_record(operator=risk_officer, loan=loan, amount=Decimal("500"),
                    recovery_id=uuid.uuid4())
    loan_write_off(operator=risk_officer, loan=loan)

    kinds = set(Account.objects.values_list("kind", flat=True))
    codes = set(Transfer.objects.exclude(code="").values_list("code", flat=True))
    assert kinds <= {*CustodyAccount, *LendingAccount}
    assert codes <= {*CustodyCode, *LendingCode}
    # the life touched every kind lending opens, and these movements
    assert set(LendingAccount) <= kinds
    assert {LendingCode.BID, LendingCode.DISBURSEMENT, LendingCode.ENTRUSTED_PAYMENT,
            LendingCode.UPFRONT_FEE, LendingCode.REPAYMENT, LendingCode.RECOVERY} <= codes
