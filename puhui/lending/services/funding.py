"""Closing a listing: fund it into a loan (bids posted, fee taken, money disbursed, notes and
the schedule made) or release every bid."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.money import (
    money_split,
)
from puhui.custody.ports import CustodyAccount
from puhui.ledger.models import NormalBalance
from puhui.ledger.services import (
    NewTransfer,
    account_for,
    linked_chain,
    transfers_create,
    transfers_require,
)
from puhui.lending.models import (
    Bid,
    BidStatus,
    Installment,
    Listing,
    ListingStatus,
    Loan,
    Note,
)
from puhui.lending.notices import notices_listing_closed
from puhui.lending.ports import (
    ExposureChange,
    LendingAccount,
    LendingCode,
    ledger_transfer_id,
)
from puhui.lending.services.accounts import platform_account, wallet_for
from puhui.lending.services.listings import listing_funded_fen
from puhui.lending.services.plugins import exposure_event
from puhui.lending.services.products import product_schedule


def bids_resolve(bids: Sequence[Bid], *, post: bool) -> None:
    """Post (or void) each bid's pair of pending transfers, in batches, each pair linked."""
    step = "post" if post else "void"
    events = []
    for bid in bids:
        events += [
            NewTransfer(id=ledger_transfer_id(step, bid.pk), pending_id=bid.pk, linked=True,
                        post_pending_transfer=post, void_pending_transfer=not post),
            NewTransfer(id=ledger_transfer_id(step, bid.capacity_transfer_id),
                        pending_id=bid.capacity_transfer_id,
                        post_pending_transfer=post, void_pending_transfer=not post),
        ]
    for start in range(0, len(events), 8_000):
        transfers_require(transfers_create(events[start : start + 8_000]),
                          what="the resolution of bids")


@transaction.atomic
def listing_close(*, listing: Listing, business_date: date | None = None) -> Listing:
    """Fund a full listing (post bids, take fees, disburse, issue notes and the schedule, the
    loan's value date being ``business_date``); when the window has passed, fund what was
    raised if the product allows partial funding from that share, else release every bid."""
    listing = Listing.objects.select_for_update(of=("self",)).select_related(
        "application__product", "application__enterprise").get(pk=listing.pk)
    if listing.status != ListingStatus.OPEN:
        return listing
    today = business_date or business_date_today()
    product = listing.application.product
    funded = listing_funded_fen(listing)
    full = funded == listing.amount_fen
    if not full and today <= listing.closes_on:
        return listing  # still raising
    share = Decimal(funded) / Decimal(listing.amount_fen)
    minimum = product.partial_funding_min_share
    pending = list(Bid.objects.select_for_update(of=("self",)).select_related("investor")
                   .filter(listing=listing, status=BidStatus.PENDING))
    if full or (minimum is not None and funded > 0 and share >= minimum):
        bids_resolve(pending, post=True)
        Bid.objects.filter(pk__in=[b.pk for b in pending]).update(status=BidStatus.ACCEPTED)
        listing.status = ListingStatus.FUNDED
        listing.funded_fen = funded
        listing.save(update_fields=["status", "funded_fen"])
        loan = loan_create(listing, pending, funded, value_date=today)
        notices_listing_closed(listing, pending, loan)
        exposure_event(application=listing.application, change=ExposureChange.CONVERTED,
                       loan=loan, on=today)
        audit_record(actor=None, action="listing.funded", subject=listing.subject,
                     funded_fen=funded)
    else:
        bids_resolve(pending, post=False)
        Bid.objects.filter(pk__in=[b.pk for b in pending]).update(status=BidStatus.RELEASED)
        listing.status = ListingStatus.FAILED
        listing.save(update_fields=["status"])
        notices_listing_closed(listing, pending, None)
        exposure_event(application=listing.application, change=ExposureChange.RELEASED)
        audit_record(actor=None, action="listing.failed", subject=listing.subject,
                     funded_fen=funded)
    return listing


def loan_create(listing: Listing, bids: Sequence[Bid], principal_fen: int, *,
                value_date: date) -> Loan:
    """The loan of a funded listing: its schedule, notes in proportion to the bids, the
    disbursement out of the listing's escrow."""
    application = listing.application
    product = application.product
    currency = product.currency
    schedule, apr = product_schedule(
        product=product, principal_fen=principal_fen, rate_annual=listing.rate_annual,
        term_months=application.term_months, method=application.method,
        grace_months=application.grace_months, start=value_date)
    upfront_fee = schedule.upfront_fee
    borrower = wallet_for(owner=f"enterprise:{application.enterprise_id}",
                          kind=CustodyAccount.BORROWER_WALLET, currency=currency)
    loan = Loan.objects.create(
        listing=listing, principal_fen=principal_fen, rate_annual=listing.rate_annual,
        method=application.method, value_date=value_date, upfront_fee_fen=upfront_fee,
        apr=apr, borrower_account_id=borrower.id,
    )
    Installment.objects.bulk_create([
        Installment(loan=loan, number=i.number, due_date=i.due_date, principal_fen=i.principal,
                    interest_fen=i.interest, fee_fen=i.fee)
        for i in schedule.installments
    ])
    # Notes in proportion to the accepted bids; they add up to the principal exactly.
    parts = money_split(principal_fen, [bid.amount_fen for bid in bids])
    Note.objects.bulk_create([
        Note(loan=loan, investor_id=bid.investor_id, principal_fen=part, bid=bid)
        for bid, part in zip(bids, parts, strict=True)
    ])
    _disburse(loan, listing, upfront_fee_fen=upfront_fee, borrower_account_id=borrower.id)
    return loan


def _disburse(loan: Loan, listing: Listing, *, upfront_fee_fen: int,
              borrower_account_id: int) -> None:
    """The disbursement in one linked batch: the fee to the platform, the planned payees paid
    directly out of escrow (entrusted payment: the custodian pays them; the ledger's bank
    mirror shrinks), the rest to the borrower. A partly funded loan pays the payees in
    proportion to what was raised."""
    application = listing.application
    currency, principal_fen = application.product.currency, loan.principal_fen
    planned = application.planned_payees
    planned_total = sum(int(p["amount_fen"]) for p in planned)
    to_payees: list[int] = []
    if planned_total:
        scaled = min(planned_total, int(Decimal(planned_total) * principal_fen
                                        / application.amount_fen))
        to_payees = money_split(scaled, [int(p["amount_fen"]) for p in planned])
    moves: list[tuple[str, int, int, str]] = []  # (key, credit account, amount, code)
    if upfront_fee_fen:
        fee_income = platform_account(LendingAccount.PLATFORM_FEE_INCOME, currency)
        moves.append(("upfront-fee", fee_income.id, upfront_fee_fen, LendingCode.UPFRONT_FEE))
    if to_payees:
        mirror = account_for(kind=CustodyAccount.BANK_MIRROR, owner="custodian", currency=currency,
                             normal_balance=NormalBalance.DEBIT)
        for index, (payee, amount) in enumerate(zip(planned, to_payees, strict=True)):
            if amount:
                moves.append((f"payee-{index}:{payee['name']}", mirror.id, amount,
                              LendingCode.ENTRUSTED_PAYMENT))
    moves.append(("disburse", borrower_account_id,
                  principal_fen - upfront_fee_fen - sum(to_payees), LendingCode.DISBURSEMENT))
    disbursement = linked_chain([
        NewTransfer(id=ledger_transfer_id(key, loan.pk),
                    debit_account_id=listing.escrow_account_id, credit_account_id=credit,
                    amount=amount, currency=currency, code=code, reference=f"loan:{loan.pk}")
        for key, credit, amount, code in moves if amount
    ])
    transfers_require(transfers_create(disbursement),
                      what=f"the disbursement of loan {loan.pk}")


def listings_close_expired(*, business_date: date) -> int:
    """Close every listing whose fundraising window ended before ``business_date`` (run by
    close of business); returns how many were closed."""
    expired = Listing.objects.filter(status=ListingStatus.OPEN, closes_on__lt=business_date)
    closed = 0
    for listing in expired.order_by("pk"):
        if listing_close(listing=listing,
                         business_date=business_date).status != ListingStatus.OPEN:
            closed += 1
    return closed
