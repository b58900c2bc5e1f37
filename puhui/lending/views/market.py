"""The marketplace, listings and bids, and an investor's portfolio."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from puhui.core.errors import PuhuiError
from puhui.core.lists import Column, csv_response, list_shown, progress_of, wants_csv
from puhui.core.money import money_from_minor, money_shown
from puhui.core.workdays import calendar_fallback_said
from puhui.lending import selectors, services
from puhui.lending.forms import (
    BidForm,
    MarketplaceFilter,
)
from puhui.lending.models import (
    Bid,
    BidStatus,
    Listing,
    ListingStatus,
)
from puhui.lending.views._access import FORM_REFUSED, listing_seen, user_in_role
from puhui.parties.forms import error_sentence, form_error
from puhui.parties.models import InvestorProfile, Role


@login_required
def marketplace(request: HttpRequest) -> HttpResponseBase:
    user = user_in_role(request)
    filters = MarketplaceFilter(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    profile = InvestorProfile.objects.filter(user=user).first()
    max_risk = (profile.max_product_risk if profile and criteria.get("suitable_only")
                else None)
    min_rate = criteria.get("min_rate")
    listings = selectors.listings_open(
        term_months=criteria.get("term_months"), method=criteria.get("method") or None,
        max_risk=max_risk, status=criteria.get("status") or ListingStatus.OPEN,
        grade=criteria.get("grade") or "", industry=criteria.get("industry") or "",
        min_rate=min_rate / 100 if min_rate is not None else None)
    shown = list_shown(request, listings, MARKET_COLUMNS, default_sort="closes")
    if wants_csv(request):
        return csv_response(shown.rows, MARKET_COLUMNS, filename="listings")
    rows = [(listing, *progress_of(listing.raised_fen, listing.amount_fen))
            for listing in shown.page.object_list]
    return render(request, "lending/marketplace.html",
                  {"rows": rows, "filters": filters, "list": shown})


NOTE_COLUMNS = [
    Column("loan", gettext_lazy("Loan"), lambda v: v.note.loan_id),
    Column("borrower", gettext_lazy("Borrower"),
           lambda v: v.note.loan.listing.application.enterprise.name),
    Column("note", gettext_lazy("Note"), lambda v: money_from_minor(v.note.principal_fen, "CNY")),
    Column("expected", gettext_lazy("Expected to date"),
           lambda v: money_from_minor(v.expected_to_date_fen, "CNY")),
    Column("received", gettext_lazy("Received"),
           lambda v: money_from_minor(v.received_fen, "CNY")),
    Column("outstanding", gettext_lazy("Outstanding"),
           lambda v: money_from_minor(v.note.outstanding_fen, "CNY")),
    Column("status", gettext_lazy("Status"), lambda v: v.note.loan.get_status_display()),
]


def _currency(listing: Listing) -> str:
    return listing.application.product.currency


MARKET_COLUMNS = [
    Column("borrower", gettext_lazy("Borrower"), lambda x: x.application.enterprise.name,
           "application__enterprise__name"),
    Column("amount", gettext_lazy("Amount"), lambda x: money_shown(x.amount_fen, _currency(x)),
           "amount_fen", numeric=True),
    Column("rate", gettext_lazy("Annual rate"), lambda x: x.rate_annual, "rate_annual",
           numeric=True),
    Column("term", gettext_lazy("Term (months)"), lambda x: x.application.term_months,
           "application__term_months", numeric=True),
    Column("risk", gettext_lazy("Risk"), lambda x: f"R{x.application.product.risk_level}",
           "application__product__risk_level"),
    Column("grade", gettext_lazy("Grade"), lambda x: x.application.credit.get("grade", "")),
    Column("raised", gettext_lazy("Raised"), lambda x: money_shown(x.raised_fen, _currency(x)),
           "raised_fen", numeric=True),
    Column("closes", gettext_lazy("Closes on"), lambda x: x.closes_on.isoformat(), "closes_on"),
]


def _listing_page(request: HttpRequest, listing: Listing, *, form: BidForm | None = None,
                  refusal: str = "") -> HttpResponse:
    user = user_in_role(request)
    funded = services.listing_funded_fen(listing)
    context: dict[str, Any] = {
        "calendar_note": calendar_fallback_said(listing.closes_on.year)
        if listing.calendar_warning else "",
        "listing": listing, "application": listing.application,
        "product": listing.application.product, "funded": funded,
        "remaining": listing.amount_fen - funded,
        "share": Decimal(funded * 100) / Decimal(listing.amount_fen),
        "my_bids": Bid.objects.filter(listing=listing, investor=user).order_by("created_at"),
        "form": form or BidForm(), "open": listing.status == ListingStatus.OPEN,
        "pending": BidStatus.PENDING, "refusal": refusal,
    }
    refused = refusal or (form is not None and form.errors)
    return render(request, "lending/listing_detail.html", context,
                  status=FORM_REFUSED if refused else 200)


@login_required
@require_GET
def listing_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _listing_page(request, listing_seen(listing_id))


@login_required
@require_POST
def listing_bid(request: HttpRequest, listing_id: int) -> HttpResponse:
    user = user_in_role(request, Role.INVESTOR)
    listing = listing_seen(listing_id)
    form = BidForm(request.POST)
    if form.is_valid():
        try:
            services.bid_place(investor=user, listing=listing,
                               amount=form.cleaned_data["amount"], bid_id=form.sent_id)
        except PuhuiError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your bid is placed; the money is held in your wallet "
                                        "until the listing closes."))
            return redirect("lending:listing", listing_id=listing.pk)
    return _listing_page(request, listing, form=form)


@login_required
@require_POST
def bid_cancel(request: HttpRequest, bid_id: str) -> HttpResponse:
    user = user_in_role(request, Role.INVESTOR)
    bid = selectors.bid_of(user=user, bid_id=bid_id)
    if bid is None:
        raise PermissionDenied
    try:
        services.bid_cancel(investor=user, bid=bid)
    except PuhuiError as error:
        return _listing_page(request, bid.listing, refusal=error_sentence(error))
    messages.success(request, _("Your bid is cancelled and its money released."))
    return redirect("lending:listing", listing_id=bid.listing_id)


@login_required
@require_POST
def listing_close(request: HttpRequest, listing_id: int) -> HttpResponse:
    user_in_role(request, Role.OPERATOR)
    listing = listing_seen(listing_id)
    services.listing_close(listing=listing)
    messages.success(request, _("The listing is closed."))
    return redirect("lending:listing", listing_id=listing.pk)


@login_required
def portfolio(request: HttpRequest) -> HttpResponseBase:
    user = user_in_role(request, Role.INVESTOR)
    if wants_csv(request):
        return csv_response(selectors.portfolio_of(user=user).notes, NOTE_COLUMNS,
                            filename="portfolio")
    bids = Bid.objects.select_related("listing__application__enterprise").filter(
        investor=user, status=BidStatus.PENDING)
    return render(request, "lending/portfolio.html",
                  {"portfolio": selectors.portfolio_of(user=user), "bids": bids})
