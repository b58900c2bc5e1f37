"""Default, recovery pro rata to the notes, write-off."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from puhui.core.errors import PuhuiError
from puhui.ledger.models import NormalBalance
from puhui.ledger.selectors import ledger_verify
from puhui.ledger.services import NewTransfer, account_create, transfers_create
from puhui.lending.cob import cob_run_for_date
from puhui.lending.models import CollectionCase, LoanStatus, Note
from puhui.lending.services import bid_place
from puhui.lending.services.collections import loan_write_off, recovery_record
from puhui.lending.tests.factories import investor_with_money, listing_new, product_new
from puhui.parties.models import Role
from puhui.parties.tests.factories import user_new

pytestmark = pytest.mark.django_db
YUAN = 100


@pytest.fixture
def defaulted():
    """A 9,000.00 loan lent 3,000 / 6,000, its borrower's wallet emptied, 91 days late."""
    listing = listing_new(amount="9000", product=product_new(upfront_fee_rate=Decimal(0)))
    for amount in ("3000", "6000"):
        bid_place(investor=investor_with_money(10_000 * YUAN), listing=listing,
                  amount=Decimal(amount), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    loan = listing.loan
    elsewhere = account_create(kind="supplier", owner="x", currency="CNY")
    transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=loan.borrower_account_id,
                                  credit_account_id=elsewhere.id, amount=9_000 * YUAN,
                                  currency="CNY", code="spent")])
    first = loan.installments.order_by("number").first()
    day = first.due_date
    while day <= first.due_date + timedelta(days=91):
        cob_run_for_date(business_date=day)
        day += timedelta(days=1)
    loan.refresh_from_db()
    return loan


def deposit_to_borrower(loan, fen: int) -> None:
    bank = account_create(kind="custodian_bank", owner="bank", currency="CNY",
                          normal_balance=NormalBalance.DEBIT)
    transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=bank.id,
                                  credit_account_id=loan.borrower_account_id, amount=fen,
                                  currency="CNY", code="collected")])


def test_default_opens_a_collection_and_recoveries_reach_notes_pro_rata(defaulted):
    loan = defaulted
    assert loan.status == LoanStatus.DEFAULT
    case = CollectionCase.objects.get(loan=loan)
    risk = user_new(Role.OPERATOR)
    with pytest.raises(PuhuiError) as empty:
        recovery_record(operator=risk, loan=loan, amount=Decimal("1000"),
                        recovery_id=uuid.uuid4())
    assert empty.value.code == "RECOVERY_NOT_IN_WALLET"

    deposit_to_borrower(loan, 1_000 * YUAN)
    recovery_record(operator=risk, loan=loan, amount=Decimal("1000"), recovery_id=uuid.uuid4())

    notes = sorted(Note.objects.filter(loan=loan), key=lambda n: n.principal_fen)
    # 1,000 over 3,000 : 6,000 → 333.33 and 666.67 (the odd fen to the larger remainder)
    assert [n.principal_received_fen for n in notes] == [33_333, 66_667]
    case.refresh_from_db()
    assert case.recovered_fen == 1_000 * YUAN
    assert ledger_verify().ok


def test_write_off_closes_the_case_and_the_notes(defaulted):
    loan = defaulted
    risk = user_new(Role.OPERATOR)
    case = loan_write_off(operator=risk, loan=loan)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert case.written_off_fen == 9_000 * YUAN
    assert all(n.outstanding_fen == 0 for n in Note.objects.filter(loan=loan))
    again = loan_write_off(operator=risk, loan=loan)  # the same form sent twice
    assert (again.pk, again.written_off_fen) == (case.pk, 9_000 * YUAN)
    assert sum(n.written_off_fen for n in Note.objects.filter(loan=loan)) == 9_000 * YUAN


def test_only_risk_officers_recover_or_write_off(defaulted):
    from puhui.parties.services import user_create

    reviewer = user_create(username="only-reviews", password="x-long-password-9",
                           role=Role.OPERATOR, duties=["reviewer"])
    with pytest.raises(PuhuiError) as caught:
        loan_write_off(operator=reviewer, loan=defaulted)
    assert caught.value.code == "MISSING_DUTY"


def test_the_borrower_and_each_lender_are_told_once_that_the_loan_is_in_default(defaulted):
    from puhui.notifications.models import Notice

    assert defaulted.status == LoanStatus.DEFAULT
    told = Notice.objects.filter(kind="lending.loan_default")
    people = {defaulted.listing.application.enterprise.representative_id,
              *Note.objects.filter(loan=defaulted).values_list("investor_id", flat=True)}
    assert len(people) == 3
    assert {notice.user_id for notice in told} == people
    assert {notice.key for notice in told} == {f"loan:{defaulted.pk}:default"}
    assert told.first().facts == {"loan": defaulted.pk, "days": 90}  # cn-2016's threshold
    first = defaulted.installments.order_by("number").first()
    cob_run_for_date(business_date=first.due_date + timedelta(days=92))  # still in default
    assert told.count() == 3
