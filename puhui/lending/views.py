"""Lending pages: apply, loans and repayment (borrower); marketplace, bids, portfolio
(investor); applications, listings (operator)."""

import uuid
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from puhui.core.errors import PuhuiError
from puhui.lending import selectors, services
from puhui.lending.cob import cob_run_for_date
from puhui.lending.collections import loan_write_off, recovery_record
from puhui.lending.forms import (
    ApplicationForm,
    BidForm,
    CobForm,
    MarketplaceFilter,
    RecoveryForm,
    RepaymentForm,
)
from puhui.lending.models import Bid, BidStatus, ListingStatus, Reminder
from puhui.lending.reminders import reminders_send
from puhui.lending.repayments import loan_quote, prepayment_partial, repayment_make
from puhui.parties.forms import DecisionForm, ReviewForm, form_error
from puhui.parties.models import InvestorProfile, OperatorDuty, Role, User
from puhui.rulebook.selectors import rulebook_in_force


def _user(request: HttpRequest, *roles: Role) -> User:
    user = request.user
    if not isinstance(user, User) or (roles and user.role not in roles):
        raise PermissionDenied
    return user


def _or_http(error: PuhuiError) -> Exception:
    return Http404() if error.code == "NOT_FOUND" else PermissionDenied()


# --- borrower ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.BORROWER)
    form = ApplicationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                user=user, enterprise=data["enterprise"], product=data["product"],
                amount=data["amount"], term_months=data["term_months"], method=data["method"],
                purpose_category=data["purpose_category"],
                purpose_description=data["purpose_description"],
                planned_payees=form.planned_payees(), grace_months=data["grace_months"] or 0)
        except PuhuiError as error:
            form_error(form, error)
        else:
            return redirect("lending:application", application_id=application.pk)
    return render(request, "lending/application_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    user = _user(request)
    try:
        application = selectors.application_for(user=user, application_id=application_id)
    except PuhuiError as error:
        raise _or_http(error) from None
    review_form = ReviewForm(request.POST if "note" in request.POST else None)
    decision_form = DecisionForm(request.POST if "decision" in request.POST else None)
    if request.method == "POST":
        _user(request, Role.OPERATOR)
        done = False
        try:
            if "open_listing" in request.POST:
                services.listing_open(application=application, operator=user)
                done = True
            elif review_form.is_bound and review_form.is_valid():
                services.application_mark_reviewed(application=application, reviewer=user,
                                                   note=review_form.cleaned_data["note"])
                done = True
            elif decision_form.is_bound and decision_form.is_valid():
                services.application_decide(
                    application=application, approver=user,
                    approve=decision_form.cleaned_data["decision"] == "approve",
                    reasons=decision_form.cleaned_data["reasons"])
                done = True
        except PuhuiError as error:
            form_error(decision_form if decision_form.is_bound else review_form, error)
        if done:
            return redirect("lending:application", application_id=application.pk)
    return render(request, "lending/application_detail.html", {
        "application": application, "review_form": review_form,
        "decision_form": decision_form,
        "listing": getattr(application, "listing", None),
    })


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.BORROWER, Role.OPERATOR, Role.REGULATOR)
    queue = selectors.applications_to_review() if user.role == Role.OPERATOR else (
        selectors.applications_of(user=user))
    return render(request, "lending/applications.html", {"applications": queue})


@login_required
@require_http_methods(["GET", "POST"])
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    user = _user(request)
    try:
        loan = selectors.loan_for(user=user, loan_id=loan_id)
    except PuhuiError as error:
        raise _or_http(error) from None
    is_borrower = loan.listing.application.enterprise.representative_id == user.pk
    form = RepaymentForm(request.POST or None)
    if request.method == "POST":
        if not is_borrower:
            raise PermissionDenied
        if form.is_valid():
            mode, amount = form.cleaned_data["mode"], form.cleaned_data["amount"]
            try:
                if mode in ("shorten", "lower"):
                    prepayment_partial(user=user, loan=loan, principal=amount,
                                       repayment_id=uuid.uuid4(),
                                       shorten_term=mode == "shorten")
                else:
                    repayment_make(user=user, loan=loan, amount=amount,
                                   repayment_id=uuid.uuid4(), prepay=mode == "prepay")
            except PuhuiError as error:
                form_error(form, error)
            else:
                return redirect("lending:loan", loan_id=loan.pk)
    return render(request, "lending/loan_detail.html", {
        "flash": request.session.pop("puhui_flash", ""),
        "collection": getattr(loan, "collection", None), "recovery_form": RecoveryForm(),
        "loan": loan, "installments": loan.installments.order_by("number"),
        "reminders": Reminder.objects.filter(installment__loan=loan, sent_at__isnull=False)
        .select_related("installment").order_by("-business_date", "-pk")[:20],
        "quote": loan_quote(loan), "form": form, "is_borrower": is_borrower,
        "currency": loan.listing.application.product.currency,
    })


# --- investor ---------------------------------------------------------------------------------


@login_required
def marketplace(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = MarketplaceFilter(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    profile = InvestorProfile.objects.filter(user=user).first()
    max_risk = (profile.max_product_risk if profile and criteria.get("suitable_only")
                else None)
    listings = selectors.listings_open(term_months=criteria.get("term_months"),
                                       method=criteria.get("method") or None, max_risk=max_risk)
    rows = [(listing, services.listing_funded_fen(listing)) for listing in listings]
    return render(request, "lending/marketplace.html", {"rows": rows, "filters": filters})


@login_required
@require_http_methods(["GET", "POST"])
def listing_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    user = _user(request)
    try:
        listing = selectors.listing_get(listing_id=listing_id)
    except PuhuiError as error:
        raise _or_http(error) from None
    form = BidForm(request.POST if "amount" in request.POST else None)
    if request.method == "POST":
        done = False
        try:
            if "cancel" in request.POST:
                bid = Bid.objects.filter(pk=request.POST["cancel"], investor=user).first()
                if bid is None:
                    raise PermissionDenied
                services.bid_cancel(investor=user, bid=bid)
                done = True
            elif "close" in request.POST:
                _user(request, Role.OPERATOR)
                services.listing_close(listing=listing)
                done = True
            elif form.is_valid():
                services.bid_place(investor=user, listing=listing,
                                   amount=form.cleaned_data["amount"], bid_id=uuid.uuid4())
                done = True
        except PuhuiError as error:
            form_error(form, error)
        if done:
            return redirect("lending:listing", listing_id=listing.pk)
    funded = services.listing_funded_fen(listing)
    return render(request, "lending/listing_detail.html", {
        "listing": listing, "application": listing.application,
        "product": listing.application.product, "funded": funded,
        "remaining": listing.amount_fen - funded,
        "share": Decimal(funded * 100) / Decimal(listing.amount_fen),
        "my_bids": Bid.objects.filter(listing=listing, investor=user).order_by("created_at"),
        "form": form, "open": listing.status == ListingStatus.OPEN,
        "pending": BidStatus.PENDING,
    })


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.INVESTOR)
    bids = Bid.objects.select_related("listing__application__enterprise").filter(
        investor=user, status=BidStatus.PENDING)
    return render(request, "lending/portfolio.html",
                  {"portfolio": selectors.portfolio_of(user=user), "bids": bids})


@login_required
@require_http_methods(["GET", "POST"])
def overdue_book(request: HttpRequest) -> HttpResponse:
    """The operator's overdue book and collections; close of business can be run from here
    (in the demo this is how time passes)."""
    user = _user(request, Role.OPERATOR)
    form = CobForm(request.POST or None)
    result = reminders = None
    if request.method == "POST" and form.is_valid():
        if not user.has_duty(OperatorDuty.ADMIN):
            raise PermissionDenied
        result = cob_run_for_date(business_date=form.cleaned_data["business_date"])
        services.listings_close_expired(business_date=form.cleaned_data["business_date"])
        reminders = reminders_send()
    rules = rulebook_in_force().collections
    loans = [(loan, max((i.days_past_due for i in loan.installments.all()), default=0))
             for loan in selectors.loans_in_arrears()]
    return render(request, "lending/overdue_book.html", {
        "rows": [(loan, dpd, rules.bucket_for(dpd) if rules else dpd) for loan, dpd in loans],
        "form": form, "result": result, "reminders": reminders,
    })


@login_required
@require_http_methods(["POST"])
def collection_action(request: HttpRequest, loan_id: int) -> HttpResponse:
    user = _user(request, Role.OPERATOR)
    try:
        loan = selectors.loan_for(user=user, loan_id=loan_id)
    except PuhuiError as error:
        raise _or_http(error) from None
    form = RecoveryForm(request.POST)
    try:
        if "write_off" in request.POST:
            loan_write_off(operator=user, loan=loan)
        elif form.is_valid():
            recovery_record(operator=user, loan=loan, amount=form.cleaned_data["amount"],
                            recovery_id=uuid.uuid4())
    except PuhuiError as error:
        request.session["puhui_flash"] = error.error.render(
            request.LANGUAGE_CODE, error.facts)
    return redirect("lending:loan", loan_id=loan.pk)
