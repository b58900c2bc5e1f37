"""Repayments: waterfall, distribution to notes, overpayment refused, full prepayment."""

import uuid
from decimal import Decimal

import pytest

from puhui.core.errors import PuhuiError
from puhui.core.money import money_from_minor
from puhui.ledger.models import Account, NormalBalance, Transfer
from puhui.ledger.selectors import ledger_verify
from puhui.ledger.services import NewTransfer, account_create, transfers_create
from puhui.lending.models import Installment, LoanStatus, Note
from puhui.lending.services import bid_place, wallet_for
from puhui.lending.services.repayments import loan_quote, repayment_make
from puhui.lending.tests.factories import investor_with_money, listing_new, product_new

pytestmark = pytest.mark.django_db
YUAN = 100


@pytest.fixture
def loan():
    """10,000.00 at 9 % over 12 months, equal installments, lent 3,300 / 3,300 / 3,400,
    prepayment fee 1 %; the borrower's wallet topped up with 2,000.00 of its own."""
    product = product_new(prepayment_fee_rate=Decimal("0.0100"), upfront_fee_rate=Decimal(0))
    listing = listing_new(amount="10000", product=product)
    for amount in ("3300", "3300", "3400"):
        bid_place(investor=investor_with_money(10_000 * YUAN), listing=listing,
                  amount=Decimal(amount), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    loan = listing.loan
    bank = account_create(kind="custodian_bank", owner="bank", currency="CNY",
                          normal_balance=NormalBalance.DEBIT)
    transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=bank.id,
                                  credit_account_id=loan.borrower_account_id,
                                  amount=2_000 * YUAN, currency="CNY", code="deposit")])
    return loan


def borrower(loan):
    return loan.listing.application.enterprise.representative


def pay(loan, fen: int, **kwargs):
    return repayment_make(user=borrower(loan), loan=loan, amount=money_from_minor(fen, "CNY"),
                          repayment_id=kwargs.pop("repayment_id", uuid.uuid4()), **kwargs)


def test_paying_the_first_installment_splits_it_across_notes_to_the_fen(loan):
    first = loan.installments.get(number=1)
    # 10,000 × 9 % / 12 = 75.00 interest; the annuity payment is 874.51
    assert first.interest_fen == 75 * YUAN
    total = first.principal_fen + first.interest_fen
    assert total == 87_451

    repayment = pay(loan, total)

    assert repayment.allocation == {"penalty": 0, "fee": 0, "interest": 7_500,
                                    "principal": 79_951, "prepayment_fee": 0}
    notes = list(Note.objects.filter(loan=loan).order_by("principal_fen", "pk"))
    # principal 79,951 fen in 33:33:34 → 26,383.83 / 26,383.83 / 27,183.34: floors add to
    # 79,949, and the 2 fen left go to the two largest remainders (the .83s)
    assert [n.principal_received_fen for n in notes] == [26_384, 26_384, 27_183]
    # interest 7,500 fen → 2,475 / 2,475 / 2,550 exactly
    assert [n.interest_received_fen for n in notes] == [2_475, 2_475, 2_550]
    assert ledger_verify().ok


def test_a_partial_payment_goes_to_interest_before_principal(loan):
    pay(loan, 50 * YUAN)
    first = loan.installments.get(number=1)
    assert (first.interest_paid_fen, first.principal_paid_fen) == (50 * YUAN, 0)
    pay(loan, 100 * YUAN)
    first.refresh_from_db()
    assert (first.interest_paid_fen, first.principal_paid_fen) == (75 * YUAN, 75 * YUAN)


def test_an_overpayment_is_refused_and_changes_nothing(loan):
    quote = loan_quote(loan)
    before = Transfer.objects.count(), list(Installment.objects.values_list("principal_paid_fen"))
    with pytest.raises(PuhuiError) as caught:
        pay(loan, quote.regular_max_fen + 1)
    assert caught.value.code == "OVERPAYMENT"
    assert "prepayment" in str(caught.value)
    assert (Transfer.objects.count(),
            list(Installment.objects.values_list("principal_paid_fen"))) == before


def test_a_retried_repayment_is_not_paid_twice(loan):
    key = uuid.uuid4()
    pay(loan, 100 * YUAN, repayment_id=key)
    pay(loan, 100 * YUAN, repayment_id=key)
    assert loan.installments.get(number=1).interest_paid_fen == 75 * YUAN
    assert sum(n.interest_received_fen for n in Note.objects.filter(loan=loan)) == 75 * YUAN


def test_full_prepayment_takes_the_exact_payoff_and_closes_the_loan(loan):
    quote = loan_quote(loan)
    # 10,000 principal + this period's 75.00 interest + 1 % fee on 10,000 = 10,175.00
    assert (quote.payoff_fen, quote.prepayment_fee_fen) == (1_017_500, 10_000)
    with pytest.raises(PuhuiError) as caught:
        pay(loan, quote.payoff_fen - 1, prepay=True)
    assert caught.value.code == "PREPAYMENT_AMOUNT"
    wallet = Account.objects.get(pk=loan.borrower_account_id)
    assert wallet.balance_posted == 12_000 * YUAN

    pay(loan, quote.payoff_fen, prepay=True)

    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    notes = Note.objects.filter(loan=loan)
    assert all(n.outstanding_fen == 0 for n in notes)
    assert sum(n.interest_received_fen for n in notes) == 75 * YUAN
    assert Account.objects.get(kind="platform_fee_income").balance_posted == 100 * YUAN
    wallet.refresh_from_db()
    assert wallet.balance_posted == 12_000 * YUAN - 1_017_500
    assert ledger_verify().ok


def test_paying_every_installment_on_its_date_repays_each_note_exactly(loan):
    for installment in loan.installments.order_by("number"):
        owed = installment.principal_fen + installment.interest_fen + installment.fee_fen
        pay(loan, owed, today=installment.due_date)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    for note in Note.objects.filter(loan=loan):
        assert note.principal_received_fen == note.principal_fen
        wallet = wallet_for(owner=note.investor.ledger_owner, kind="investor_wallet")
        assert wallet.balance_posted == (10_000 * YUAN - note.principal_fen
                                         + note.principal_fen + note.interest_received_fen)
    total_interest = sum(i.interest_fen for i in loan.installments.all())
    assert sum(n.interest_received_fen for n in Note.objects.filter(loan=loan)) == total_interest
    assert ledger_verify().ok


@pytest.fixture
def principal_loan():
    """12,000.00 at 12 % over 12 months, equal principal (1,000 a month, interest 1 % of
    what is outstanding), one lender, no fees but 1 % on prepaid principal."""
    product = product_new(prepayment_fee_rate=Decimal("0.0100"), upfront_fee_rate=Decimal(0),
                          rate_annual=Decimal("0.1200"))
    listing = listing_new(amount="12000", product=product, method="equal-principal")
    bid_place(investor=investor_with_money(20_000 * YUAN), listing=listing,
              amount=Decimal("12000"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    bank = account_create(kind="custodian_bank", owner="bank", currency="CNY",
                          normal_balance=NormalBalance.DEBIT)
    transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=bank.id,
                                  credit_account_id=listing.loan.borrower_account_id,
                                  amount=5_000 * YUAN, currency="CNY", code="deposit")])
    return listing.loan


def owed(loan):
    return [(i.owed("principal"), i.interest_fen)
            for i in loan.installments.order_by("number")]


def test_partial_prepayment_shortening_the_term(principal_loan):
    from puhui.lending.services.repayments import prepayment_partial

    loan = principal_loan
    prepayment_partial(user=borrower(loan), loan=loan, principal=Decimal("3000"),
                       repayment_id=uuid.uuid4(), shorten_term=True)
    rows = owed(loan)
    # the last three months are cleared; the nine left keep 1,000 each, interest on
    # 9,000 … 1,000 outstanding: 90.00, 80.00 … 10.00
    assert rows[:9] == [(1_000 * YUAN, (90 - 10 * k) * YUAN) for k in range(9)]
    assert rows[9:] == [(0, 0)] * 3
    note = Note.objects.get(loan=loan)
    assert note.principal_received_fen == 3_000 * YUAN
    fees = Account.objects.get(kind="platform_fee_income")
    assert fees.balance_posted == 30 * YUAN  # 1 % of 3,000
    assert ledger_verify().ok


def test_partial_prepayment_lowering_the_installments(principal_loan):
    from puhui.lending.services.repayments import prepayment_partial

    loan = principal_loan
    prepayment_partial(user=borrower(loan), loan=loan, principal=Decimal("3000"),
                       repayment_id=uuid.uuid4(), shorten_term=False)
    rows = owed(loan)
    # 3,000 spread over twelve 1,000s: 250 off each → 750 a month; interest on 9,000 …
    assert [principal for principal, _ in rows] == [750 * YUAN] * 12
    assert rows[0][1] == 90 * YUAN
    assert rows[-1][1] == int(Decimal("7.50") * YUAN)
    assert sum(p for p, _ in rows) == 9_000 * YUAN
    assert ledger_verify().ok


def test_partial_prepayment_refuses_what_it_cannot_do(principal_loan):
    from puhui.lending.services.repayments import prepayment_partial

    loan = principal_loan
    with pytest.raises(PuhuiError) as too_much:
        prepayment_partial(user=borrower(loan), loan=loan, principal=Decimal("12000"),
                           repayment_id=uuid.uuid4(), shorten_term=True)
    assert too_much.value.code == "PARTIAL_PREPAYMENT_AMOUNT"
    first_due = loan.installments.get(number=1).due_date
    with pytest.raises(PuhuiError) as arrears:
        prepayment_partial(user=borrower(loan), loan=loan, principal=Decimal("100"),
                           repayment_id=uuid.uuid4(), shorten_term=True, today=first_due)
    assert arrears.value.code == "PAY_DUE_FIRST"
