"""Hypothesis: random sequences of bids, cancels, repayments, prepayments and COB days keep
the ledger equal to the notes and never lose a fen.

After every step: each investor's wallet = deposit − accepted bids − pending holds (available)
and + what their notes received (posted); the notes hold exactly the loan's principal; what
the notes received equals what the installments record as paid; money is conserved across
all wallets, escrow and fees; and ``ledger verify`` passes.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from puhui.core.errors import PuhuiError
from puhui.ledger.models import Account
from puhui.ledger.selectors import ledger_verify
from puhui.ledger.services import NewTransfer, transfers_create
from puhui.lending.cob import cob_run_for_date
from puhui.lending.models import (
    APPLICATION_MOVES,
    BID_MOVES,
    LISTING_MOVES,
    LOAN_MOVES,
    Bid,
    BidStatus,
    Installment,
    Listing,
    Loan,
    LoanApplication,
    Note,
)
from puhui.lending.services import bid_cancel, bid_place, listing_funded_fen, wallet_for
from puhui.lending.services.repayments import loan_quote, repayment_make
from puhui.lending.tests.factories import investor_with_money, listing_new, product_new

DEPOSIT = 6_000_00
INVESTORS = 3


class LendingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.example = transaction.atomic()
        self.example.__enter__()
        self.listing = listing_new(amount="3000", product=product_new(
            upfront_fee_rate=Decimal("0.0100"), prepayment_fee_rate=Decimal("0.0050"),
            penalty_rate_daily=Decimal("0.000500")))
        self.investors = [investor_with_money(DEPOSIT) for _ in range(INVESTORS)]
        self.loan = None
        self.day = None
        self.borrower_topped_up = 0
        self.statuses: dict[tuple[str, object], str] = {}  # last seen, by (kind, pk)

    @initialize(funded=st.booleans())
    def start(self, funded: bool) -> None:
        """Half the examples start from a funded loan, so repayments and COB get exercised."""
        if funded:
            self.bid(0, 12)
            self.bid(1, 18)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)

    def _refresh(self) -> None:
        self.listing.refresh_from_db()
        if self.loan is None and self.listing.status == "funded":
            self.loan = self.listing.loan
            self.day = self.loan.value_date

    @rule(who=st.integers(0, INVESTORS - 1), hundreds=st.integers(1, 20))
    def bid(self, who: int, hundreds: int) -> None:
        try:
            bid_place(investor=self.investors[who], listing=self.listing,
                      amount=Decimal(hundreds * 100), bid_id=uuid.uuid4())
        except PuhuiError as error:
            assert error.code in ("BID_EXCEEDS_REMAINING", "LISTING_FULLY_FUNDED",
                                  "LISTING_CLOSED", "INSUFFICIENT_FUNDS",
                                  "BID_OVER_INVESTOR_CAP")
        self._refresh()

    @rule(who=st.integers(0, INVESTORS - 1))
    def fill(self, who: int) -> None:
        """Bid whatever is left (when this investor can), so many examples get funded."""
        left = self.listing.amount_fen - listing_funded_fen(self.listing)
        if left > 0:
            self.bid(who, left // 100)

    @rule(who=st.integers(0, INVESTORS - 1))
    def cancel(self, who: int) -> None:
        bid = Bid.objects.filter(listing=self.listing, investor=self.investors[who],
                                 status=BidStatus.PENDING).first()
        if bid is not None:
            bid_cancel(investor=self.investors[who], bid=bid)

    @rule(share=st.sampled_from([Decimal("0.3"), Decimal("1"), Decimal("1.5")]))
    def repay(self, share: Decimal) -> None:
        if self.loan is None or self.loan.status in ("closed", "written_off"):
            return
        quote = loan_quote(self.loan, self.day)
        amount = int(quote.regular_max_fen * share)
        self._top_up(amount)
        try:
            repayment_make(user=self._borrower(), loan=self.loan,
                           amount=Decimal(amount) / 100, repayment_id=uuid.uuid4(),
                           today=self.day)
        except PuhuiError as error:
            assert error.code == "OVERPAYMENT"
            assert amount > quote.regular_max_fen or amount <= 0
        self.loan.refresh_from_db()

    @rule()
    def prepay(self) -> None:
        if self.loan is None or self.loan.status in ("closed", "written_off"):
            return
        quote = loan_quote(self.loan, self.day)
        self._top_up(quote.payoff_fen)
        repayment_make(user=self._borrower(), loan=self.loan,
                       amount=Decimal(quote.payoff_fen) / 100, repayment_id=uuid.uuid4(),
                       prepay=True, today=self.day)
        self.loan.refresh_from_db()

    @rule(days=st.sampled_from([1, 7, 31]))
    def close_of_business(self, days: int) -> None:
        if self.loan is None:
            return
        for _ in range(days):
            self.day += timedelta(days=1)
            cob_run_for_date(business_date=self.day)
        self.loan.refresh_from_db()

    def _borrower(self):
        return self.listing.application.enterprise.representative

    def _top_up(self, fen: int) -> None:
        if fen <= 0:
            return
        bank = Account.objects.filter(kind="custodian_bank", owner="bank").first()
        assert bank is not None
        transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=bank.id,
                                      credit_account_id=self.loan.borrower_account_id,
                                      amount=fen, currency="CNY", code="deposit")])
        self.borrower_topped_up += fen

    @invariant()
    def wallets_equal_bids_and_notes(self) -> None:
        for investor in self.investors:
            wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
            bids = Bid.objects.filter(listing=self.listing, investor=investor)
            accepted = bids.filter(status=BidStatus.ACCEPTED).aggregate(
                total=Sum("amount_fen"))["total"] or 0
            held = bids.filter(status=BidStatus.PENDING).aggregate(
                total=Sum("amount_fen"))["total"] or 0
            notes = Note.objects.filter(investor=investor)
            received = sum(n.principal_received_fen + n.interest_received_fen for n in notes)
            assert wallet.balance_posted == DEPOSIT - accepted + received
            assert wallet.balance_available == DEPOSIT - accepted - held + received

    @invariant()
    def notes_add_up(self) -> None:
        funded = listing_funded_fen(self.listing)
        assert funded <= self.listing.amount_fen
        if self.loan is None:
            return
        notes = Note.objects.filter(loan=self.loan)
        assert sum(n.principal_fen for n in notes) == self.loan.principal_fen
        paid = Installment.objects.filter(loan=self.loan).aggregate(
            p=Sum("principal_paid_fen"), i=Sum("interest_paid_fen"),
            n=Sum("penalty_paid_fen"))
        assert sum(n.principal_received_fen for n in notes) == paid["p"]
        assert sum(n.interest_received_fen for n in notes) == paid["i"] + paid["n"]

    @invariant()
    def statuses_move_only_by_their_tables(self) -> None:
        """Every change of a listing's, a bid's, the loan's or the application's status since
        the last step is a move its table allows (lending.models *_MOVES)."""
        seen = [("listing", self.listing.pk, Listing.objects.get(pk=self.listing.pk).status,
                 LISTING_MOVES),
                ("application", self.listing.application_id,
                 LoanApplication.objects.get(pk=self.listing.application_id).status,
                 APPLICATION_MOVES)]
        seen += [("bid", bid.pk, bid.status, BID_MOVES)
                 for bid in Bid.objects.filter(listing=self.listing)]
        if self.loan is not None:
            seen.append(("loan", self.loan.pk, Loan.objects.get(pk=self.loan.pk).status,
                         LOAN_MOVES))
        for kind, pk, status, moves in seen:
            before = self.statuses.get((kind, pk))
            if before is not None and before != status:
                assert moves.allows(before, status), (kind, before, status)
            self.statuses[(kind, pk)] = status

    @invariant()
    def ledger_balances(self) -> None:
        assert ledger_verify().ok


@pytest.mark.django_db
def test_lending_keeps_the_ledger_equal_to_the_notes():
    run_state_machine_as_test(
        LendingMachine,
        settings=settings(max_examples=10, stateful_step_count=16, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )


def test_the_status_tables_cover_every_status_and_end_in_final_ones():
    from puhui.lending.models import ApplicationStatus, ListingStatus, LoanStatus
    from puhui.parties.models import REVIEW_MOVES, ReviewStatus

    for moves, statuses in ((APPLICATION_MOVES, ApplicationStatus), (LISTING_MOVES, ListingStatus),
                            (BID_MOVES, BidStatus), (LOAN_MOVES, LoanStatus),
                            (REVIEW_MOVES, ReviewStatus)):
        assert set(moves.moves) == set(statuses.values), moves.name
        assert all(set(targets) <= set(statuses.values) for targets in moves.moves.values())
        assert moves.final, moves.name  # every lifecycle can end
    assert LOAN_MOVES.final == {LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF}
    assert not LOAN_MOVES.allows(LoanStatus.CLOSED, LoanStatus.CURRENT)
