"""A loan raised elsewhere on the platform — a debt campaign's notes — booked as lending's own,
so that its schedule, repayments, overdue handling at close of business, collections and the
registry's trade lines are lending's, not a copy.

The raise already did what an application, a listing and its bids do (two operators approved
it, backers' money was collected into the raise's escrow at the custodian); this records them
as lending's (the application listed, the listing funded, one accepted bid per backer, ids
the pledges') and funds the loan the way a full listing is funded: the product's upfront fee
to the platform and the rest to the borrower, out of that escrow, the notes in proportion to
the bids. Booked once per raise (its reference), whatever calls it again."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from puhui.audit.services import audit_record
from puhui.lending.models import (
    ApplicationStatus,
    Bid,
    BidStatus,
    Listing,
    ListingStatus,
    Loan,
    LoanApplication,
    LoanProduct,
)
from puhui.lending.ports import RAISED_PURPOSE, ExposureChange
from puhui.lending.services.funding import loan_create
from puhui.lending.services.plugins import exposure_event
from puhui.rulebook.selectors import rulebook_in_force

RAISED_NAMESPACE = uuid.UUID("5b0e3f5c-8a7d-4f4e-9d5b-2c61a7e0f3d1")


@dataclass(frozen=True)
class RaisedShare:
    bid_id: uuid.UUID  # the pledge's id
    investor_id: int
    amount_fen: int


@dataclass(frozen=True)
class RaisedLoan:
    reference: str  # "campaign:12": one loan per raise
    enterprise_id: int
    product: LoanProduct
    rate_annual: Decimal
    term_months: int
    method: str
    value_date: date
    escrow_account_id: int  # where the raise's money waits, posted
    purpose: str
    reviewer_id: int | None
    approver_id: int | None
    shares: tuple[RaisedShare, ...]


@transaction.atomic
def loan_from_raise(raised: RaisedLoan) -> Loan:
    request_id = uuid.uuid5(RAISED_NAMESPACE, raised.reference)
    existing = LoanApplication.objects.filter(request_id=request_id).first()
    if existing is not None:
        return existing.listing.loan
    principal = sum(share.amount_fen for share in raised.shares)
    book = rulebook_in_force(on=raised.value_date)
    application = LoanApplication.objects.create(
        enterprise_id=raised.enterprise_id, product=raised.product, amount_fen=principal,
        term_months=raised.term_months, method=raised.method,
        purpose_category=RAISED_PURPOSE, purpose_description=raised.purpose,
        status=ApplicationStatus.LISTED, reviewer_id=raised.reviewer_id,
        approver_id=raised.approver_id, request_id=request_id,
        decision_reasons=f"raised by {raised.reference}")
    listing = Listing.objects.create(
        application=application, amount_fen=principal, rate_annual=raised.rate_annual,
        opens_at=timezone.now(), closes_on=raised.value_date, status=ListingStatus.FUNDED,
        escrow_account_id=raised.escrow_account_id,
        # the raise's own maximum held its capacity: the listing has none of its own
        capacity_account_id=raised.escrow_account_id,
        capacity_sink_account_id=raised.escrow_account_id, funded_fen=principal,
        rulebook_id=book.rulebook.id, rulebook_version=book.rulebook.version)
    bids = Bid.objects.bulk_create([
        Bid(id=share.bid_id, listing=listing, investor_id=share.investor_id,
            amount_fen=share.amount_fen, capacity_transfer_id=share.bid_id,
            status=BidStatus.ACCEPTED) for share in raised.shares])
    loan = loan_create(listing, bids, principal, value_date=raised.value_date)
    exposure_event(application=application, change=ExposureChange.CHANGED, loan=loan,
                   on=raised.value_date)
    audit_record(actor=None, action="loan.booked_from_raise", subject=f"loan:{loan.pk}",
                 reference=raised.reference, principal_fen=principal)
    return loan
