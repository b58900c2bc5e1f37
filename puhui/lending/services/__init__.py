"""Writes for lending, one module per subdomain: products, applications (checks,
maker-checker), the plug points to the credit engine and the shared registry, listings, bids,
funding into a loan with its notes and schedule (or a loan raised by a debt campaign, booked
as lending's own), repayments and prepayments, collections, and
the reminders close of business sends.

Figures that are rules (caps, fundraising window, rate ceiling, credit policy) come from the
rulebook in force, and each pre-approval check is recorded with its rule id. Money moves only
through ``ledger.services.transfers_create``. The names below are lending's services; the
modules' other functions are their own.
"""

from puhui.lending.ports import ledger_transfer_id
from puhui.lending.services.accounts import platform_account, wallet_for
from puhui.lending.services.applications import (
    application_decide,
    application_mark_reviewed,
    application_registry_recheck,
    application_submit,
    application_withdraw,
    applications_recheck_waiting,
)
from puhui.lending.services.bids import bid_cancel, bid_place
from puhui.lending.services.funding import listing_close, listings_close_expired
from puhui.lending.services.listings import listing_funded_fen, listing_open, listing_rate
from puhui.lending.services.plugins import (
    application_facts,
    exposure_event,
    headroom_reserve_none,
    outstanding_fen,
    registry_report_none,
)
from puhui.lending.services.products import product_create, product_schedule
from puhui.lending.services.raised import RaisedLoan, RaisedShare, loan_from_raise

__all__ = [
    "RaisedLoan",
    "RaisedShare",
    "application_decide",
    "application_facts",
    "application_mark_reviewed",
    "application_registry_recheck",
    "application_submit",
    "application_withdraw",
    "applications_recheck_waiting",
    "bid_cancel",
    "bid_place",
    "exposure_event",
    "headroom_reserve_none",
    "ledger_transfer_id",
    "listing_close",
    "listing_funded_fen",
    "listing_open",
    "listing_rate",
    "listings_close_expired",
    "loan_from_raise",
    "outstanding_fen",
    "platform_account",
    "product_create",
    "product_schedule",
    "registry_report_none",
    "wallet_for",
]
