"""Bids: a linked pair of pending transfers each, so the ledger itself refuses one that would
overfund a listing; cancels void the pair."""

import uuid
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError, sent_before
from puhui.core.money import (
    money_shown,
    money_to_minor,
)
from puhui.custody.ports import CustodyAccount
from puhui.ledger.errors import TransferResult
from puhui.ledger.services import (
    NewTransfer,
    transfers_create,
    transfers_require,
)
from puhui.lending.errors import LendingError
from puhui.lending.models import (
    BID_MOVES,
    Bid,
    BidStatus,
    Listing,
    ListingStatus,
)
from puhui.lending.ports import LendingCode, ledger_transfer_id
from puhui.lending.services.accounts import wallet_for
from puhui.lending.services.funding import bids_resolve, listing_close
from puhui.lending.services.listings import listing_funded_fen
from puhui.parties.models import InvestorProfile, ReviewStatus, Role, User


@transaction.atomic
def bid_place(*, investor: User, listing: Listing, amount: Decimal, bid_id: uuid.UUID,
              business_date: date | None = None) -> Bid:
    """A bid is a linked pair of pending transfers (wallet → escrow, capacity → sink); the
    ledger refuses one that would overfund the listing. ``bid_id`` is the idempotency key.
    The bid that fills the listing funds it, as of ``business_date``."""
    business_date = business_date or business_date_today()
    # The listing row serialises bids on one listing: the per-investor cap stays exact, and a
    # second send of the same bid finds the first.
    listing = Listing.objects.select_for_update(of=("self",)).select_related(
        "application__product").get(pk=listing.pk)
    product = listing.application.product
    existing = Bid.objects.filter(pk=bid_id).first()
    if existing is not None:
        return sent_before(existing, listing_id=listing.pk, investor_id=investor.pk,
                           amount_fen=money_to_minor(amount, product.currency))
    if listing.status != ListingStatus.OPEN or business_date > listing.closes_on:
        raise PuhuiError(LendingError.LISTING_CLOSED)
    profile = InvestorProfile.objects.filter(user=investor).first()
    if investor.role != Role.INVESTOR or profile is None or (
        profile.status != ReviewStatus.APPROVED
    ):
        raise PuhuiError(LendingError.INVESTOR_NOT_ADMITTED)
    if profile.max_product_risk < product.risk_level:
        raise PuhuiError(LendingError.NOT_SUITABLE, risk=product.risk_level,
                         allowed=profile.max_product_risk)
    amount_fen = money_to_minor(amount, product.currency)
    if amount_fen < product.min_ticket_fen:
        raise PuhuiError(LendingError.BID_BELOW_MINIMUM,
                         minimum=money_shown(product.min_ticket_fen, product.currency))
    if amount_fen % product.ticket_multiple_fen:
        raise PuhuiError(LendingError.BID_NOT_A_MULTIPLE,
                         multiple=money_shown(product.ticket_multiple_fen, product.currency))
    already = int(Bid.objects.filter(listing=listing, investor=investor,
                                     status__in=[BidStatus.PENDING, BidStatus.ACCEPTED])
                  .aggregate(total=Sum("amount_fen"))["total"] or 0)
    if already + amount_fen > product.per_investor_cap_fen:
        raise PuhuiError(LendingError.BID_OVER_INVESTOR_CAP,
                         cap=money_shown(product.per_investor_cap_fen, product.currency),
                         already=money_shown(already, product.currency))
    wallet = wallet_for(owner=investor.ledger_owner, kind=CustodyAccount.INVESTOR_WALLET,
                        currency=product.currency)
    capacity_id = ledger_transfer_id("bid-capacity", bid_id)
    money, capacity = transfers_create([
        NewTransfer(id=bid_id, debit_account_id=wallet.id,
                    credit_account_id=listing.escrow_account_id, amount=amount_fen,
                    currency=product.currency, code=LendingCode.BID, pending=True, linked=True,
                    reference=listing.subject),
        NewTransfer(id=capacity_id, debit_account_id=listing.capacity_account_id,
                    credit_account_id=listing.capacity_sink_account_id, amount=amount_fen,
                    currency=product.currency, code=LendingCode.BID_CAPACITY, pending=True,
                    reference=listing.subject),
    ])
    if capacity.result == TransferResult.EXCEEDS_CREDITS:
        remaining = listing.amount_fen - listing_funded_fen(listing)
        if remaining <= 0:
            raise PuhuiError(LendingError.LISTING_FULLY_FUNDED)
        raise PuhuiError(LendingError.BID_EXCEEDS_REMAINING,
                         remaining=money_shown(remaining, product.currency))
    if money.result == TransferResult.EXCEEDS_CREDITS:
        raise PuhuiError(LendingError.INSUFFICIENT_FUNDS)
    transfers_require([money, capacity], what=f"bid {bid_id}")
    bid = Bid.objects.create(id=bid_id, listing=listing, investor=investor,
                             amount_fen=amount_fen, capacity_transfer_id=capacity_id)
    audit_record(actor=investor, action="bid.placed", subject=listing.subject,
                 bid=str(bid_id), amount_fen=amount_fen)
    if listing_funded_fen(listing) == listing.amount_fen:
        listing_close(listing=listing, business_date=business_date)
    return bid


@transaction.atomic
def bid_cancel(*, investor: User, bid: Bid) -> Bid:
    listing = Listing.objects.select_for_update(of=("self",)).get(pk=bid.listing_id)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.investor_id == investor.pk and bid.status == BidStatus.CANCELLED:
        return bid  # cancelled already: a second send changes nothing
    if bid.investor_id != investor.pk or not BID_MOVES.allows(bid.status, BidStatus.CANCELLED) or (
        listing.status != ListingStatus.OPEN
    ):
        raise PuhuiError(LendingError.BID_NOT_CANCELLABLE)
    bids_resolve([bid], post=False)
    bid.status = BidStatus.CANCELLED
    bid.save(update_fields=["status"])
    audit_record(actor=investor, action="bid.cancelled", subject=listing.subject,
                 bid=str(bid.pk))
    return bid
