"""Listings: published from an approved application with the rulebook's fundraising window,
their ledger accounts (escrow, capacity), and what they have raised."""

import warnings
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import CoreError
from puhui.core.workdays import Calendar, CalendarFallbackWarning, add_working_days
from puhui.ledger.models import Account, NormalBalance
from puhui.ledger.services import (
    NewTransfer,
    account_create,
    transfers_create,
    transfers_require,
)
from puhui.lending.models import (
    APPLICATION_MOVES,
    ApplicationStatus,
    Listing,
    LoanApplication,
)
from puhui.lending.ports import (
    CreditSummary,
    LendingAccount,
    LendingCode,
    ledger_transfer_id,
)
from puhui.lending.services.applications import (
    application_locked,
    application_registry_recheck,
)
from puhui.parties.models import OperatorDuty, User
from puhui.parties.services import require_duty
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section


def listing_rate(application: LoanApplication) -> Decimal:
    """The credit decision's price when there is one (it is never above the rulebook's ceiling),
    otherwise the product's rate."""
    priced = CreditSummary.from_json(application.credit)
    return priced.rate_annual if priced else application.product.rate_annual


def listing_open(*, application: LoanApplication, operator: User,
                 business_date: date | None = None) -> Listing:
    """Publish an approved application, after asking the shared registry again
    (``application_registry_recheck``); the fundraising window is the rulebook's working days
    from ``business_date`` on the Chinese calendar (a year it does not cover yet: weekends
    only, with a warning)."""
    require_duty(operator, OperatorDuty.APPROVER)
    application = application_registry_recheck(application=application,
                                               target=ApplicationStatus.LISTED)
    return _listing_open(application=application, operator=operator,
                         business_date=business_date or business_date_today())


@transaction.atomic
def _listing_open(*, application: LoanApplication, operator: User,
                  business_date: date) -> Listing:
    application = application_locked(application)
    APPLICATION_MOVES.require(application.status, ApplicationStatus.LISTED,
                              error=CoreError.APPLICATION_NOT_IN_STATE, action="listed")
    book = rulebook_in_force()
    days = rulebook_section(book, "fundraising").max_working_days
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalendarFallbackWarning)
        closes_on = add_working_days(business_date, days,
                                     Calendar(application.product.calendar))
    currency = application.product.currency
    owner = f"loan-application:{application.pk}"
    escrow = account_create(kind=LendingAccount.LISTING_ESCROW, owner=owner, currency=currency)
    capacity = account_create(kind=LendingAccount.LISTING_CAPACITY, owner=owner, currency=currency,
                              debits_must_not_exceed_credits=True)
    sink = account_create(kind=LendingAccount.LISTING_CAPACITY_USED, owner=owner, currency=currency)
    source = account_create(kind=LendingAccount.LISTING_CAPACITY_SOURCE, owner=owner,
                            currency=currency, normal_balance=NormalBalance.DEBIT)
    [loaded] = transfers_create([NewTransfer(
        id=ledger_transfer_id("capacity", application.pk), debit_account_id=source.id,
        credit_account_id=capacity.id, amount=application.amount_fen, currency=currency,
        code=LendingCode.LISTING_CAPACITY, reference=owner)])
    transfers_require([loaded], what="a listing's capacity")
    listing = Listing.objects.create(
        application=application, amount_fen=application.amount_fen,
        rate_annual=listing_rate(application), opens_at=timezone.now(),
        closes_on=closes_on, escrow_account_id=escrow.id, capacity_account_id=capacity.id,
        capacity_sink_account_id=sink.id, rulebook_id=book.rulebook.id,
        rulebook_version=book.rulebook.version,
        calendar_warning="; ".join(sorted({str(w.message) for w in caught})),
    )
    application.status = ApplicationStatus.LISTED
    application.save(update_fields=["status"])
    audit_record(actor=operator, action="listing.opened", subject=listing.subject,
                 closes_on=closes_on.isoformat())
    return listing


def listing_funded_fen(listing: Listing) -> int:
    """Live: what bids hold (pending) or have put (posted) into the listing's escrow."""
    escrow = Account.objects.get(pk=listing.escrow_account_id)
    return escrow.credits_pending + escrow.credits_posted
