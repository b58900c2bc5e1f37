"""Lending pages: apply, loans and repayment (borrower); marketplace, bids, portfolio
(investor); applications, listings, the overdue book and collections (operator).

One view per operation: a page is shown by a GET view, and each form on it posts to a view of
its own that calls one service, then redirects back (or shows the page again with the error).
Forms that move money carry the id minted when the page was rendered (``OnceOnlyForm``), so a
second send answers with what the first one did.
"""

from puhui.lending.views.applications import (
    application_decision,
    application_detail,
    application_new,
    application_publish,
    application_registry_refresh,
    application_review,
    application_withdraw,
    applications,
)
from puhui.lending.views.loans import (
    close_of_business,
    loan_contract,
    loan_detail,
    loan_recovery,
    loan_repay,
    loan_write_off,
    loans_book,
    overdue_book,
)
from puhui.lending.views.market import (
    bid_cancel,
    listing_bid,
    listing_close,
    listing_detail,
    marketplace,
    portfolio,
)

__all__ = [
    "application_decision", "application_detail", "application_new", "application_publish",
    "application_registry_refresh", "application_review", "application_withdraw", "applications",
    "bid_cancel",
    "close_of_business", "listing_bid", "listing_close", "listing_detail", "loan_contract",
    "loan_detail",
    "loan_recovery", "loan_repay", "loan_write_off", "loans_book", "marketplace", "overdue_book",
    "portfolio",
]
