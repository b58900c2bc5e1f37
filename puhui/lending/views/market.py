"""The marketplace, listings and bids, and an investor's portfolio."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from puhui.core.errors import PuhuiError
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
def marketplace(request: HttpRequest) -> HttpResponse:
    user = user_in_role(request)
    filters = MarketplaceFilter(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    profile = InvestorProfile.objects.filter(user=user).first()
    max_risk = (profile.max_product_risk if profile and criteria.get("suitable_only")
                else None)
    listings = selectors.listings_open(term_months=criteria.get("term_months"),
                                       method=criteria.get("method") or None, max_risk=max_risk)
    rows = [(listing, services.listing_funded_fen(listing)) for listing in listings]
    return render(request, "lending/marketplace.html", {"rows": rows, "filters": filters})


def _listing_page(request: HttpRequest, listing: Listing, *, form: BidForm | None = None,
                  refusal: str = "") -> HttpResponse:
    user = user_in_role(request)
    funded = services.listing_funded_fen(listing)
    context: dict[str, Any] = {
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
def portfolio(request: HttpRequest) -> HttpResponse:
    user = user_in_role(request, Role.INVESTOR)
    bids = Bid.objects.select_related("listing__application__enterprise").filter(
        investor=user, status=BidStatus.PENDING)
    return render(request, "lending/portfolio.html",
                  {"portfolio": selectors.portfolio_of(user=user), "bids": bids})
