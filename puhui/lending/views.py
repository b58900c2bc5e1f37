"""Lending pages: apply, loans and repayment (borrower); marketplace, bids, portfolio
(investor); applications, listings, the overdue book and collections (operator).

One view per operation: a page is shown by a GET view, and each form on it posts to a view of
its own that calls one service, then redirects back (or shows the page again with the error).
Forms that move money carry the id minted when the page was rendered (``OnceOnlyForm``), so a
second send answers with what the first one did.
"""

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from puhui.core.errors import PuhuiError
from puhui.lending import selectors, services
from puhui.lending.forms import (
    ApplicationForm,
    BidForm,
    CobForm,
    MarketplaceFilter,
    RecoveryForm,
    RepaymentForm,
)
from puhui.lending.models import (
    Bid,
    BidStatus,
    Listing,
    ListingStatus,
    Loan,
    LoanApplication,
    Reminder,
)
from puhui.lending.services import collections
from puhui.lending.services.repayments import loan_quote, prepayment_partial, repayment_make
from puhui.operations.close_of_business import close_of_business_run
from puhui.parties.forms import DecisionForm, ReviewForm, error_sentence, form_error
from puhui.parties.models import InvestorProfile, OperatorDuty, Role, User
from puhui.rulebook.selectors import rulebook_in_force

FORM_REFUSED = 400  # a page shown again with the reason its form was refused


def _user(request: HttpRequest, *roles: Role) -> User:
    user = request.user
    if not isinstance(user, User) or (roles and user.role not in roles):
        raise PermissionDenied
    return user


def _or_http(error: PuhuiError) -> Exception:
    return Http404() if error.code == "NOT_FOUND" else PermissionDenied()


def _application(user: User, application_id: int) -> LoanApplication:
    try:
        return selectors.application_for(user=user, application_id=application_id)
    except PuhuiError as error:
        raise _or_http(error) from None


def _loan(user: User, loan_id: int) -> Loan:
    try:
        return selectors.loan_for(user=user, loan_id=loan_id)
    except PuhuiError as error:
        raise _or_http(error) from None


def _listing(listing_id: int) -> Listing:
    try:
        return selectors.listing_get(listing_id=listing_id)
    except PuhuiError as error:
        raise _or_http(error) from None


# --- borrower ---------------------------------------------------------------------------------


@login_required
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
                planned_payees=form.planned_payees(), grace_months=data["grace_months"] or 0,
                request_id=form.sent_id)
        except PuhuiError as error:
            form_error(form, error)
        else:
            return redirect("lending:application", application_id=application.pk)
    return render(request, "lending/application_form.html", {"form": form},
                  status=FORM_REFUSED if form.errors else 200)


def _application_page(request: HttpRequest, application: LoanApplication, *,
                      review_form: ReviewForm | None = None,
                      decision_form: DecisionForm | None = None,
                      refusal: str = "") -> HttpResponse:
    refused = refusal or any(form is not None and form.errors
                             for form in (review_form, decision_form))
    return render(request, "lending/application_detail.html", {
        "application": application, "review_form": review_form or ReviewForm(),
        "decision_form": decision_form or DecisionForm(), "refusal": refusal,
        "listing": getattr(application, "listing", None),
    }, status=FORM_REFUSED if refused else 200)


@login_required
@require_GET
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    return _application_page(request, _application(_user(request), application_id))


@login_required
@require_POST
def application_review(request: HttpRequest, application_id: int) -> HttpResponse:
    user = _user(request, Role.OPERATOR)
    application = _application(user, application_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.application_mark_reviewed(application=application, reviewer=user,
                                               note=form.cleaned_data["note"])
        except PuhuiError as error:
            form_error(form, error)
        else:
            return redirect("lending:application", application_id=application.pk)
    return _application_page(request, application, review_form=form)


@login_required
@require_POST
def application_decision(request: HttpRequest, application_id: int) -> HttpResponse:
    user = _user(request, Role.OPERATOR)
    application = _application(user, application_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.application_decide(
                application=application, approver=user,
                approve=form.cleaned_data["decision"] == "approve",
                reasons=form.cleaned_data["reasons"])
        except PuhuiError as error:
            form_error(form, error)
        else:
            return redirect("lending:application", application_id=application.pk)
    return _application_page(request, application, decision_form=form)


@login_required
@require_POST
def application_publish(request: HttpRequest, application_id: int) -> HttpResponse:
    user = _user(request, Role.OPERATOR)
    application = _application(user, application_id)
    try:
        services.listing_open(application=application, operator=user)
    except PuhuiError as error:
        return _application_page(request, application, refusal=error_sentence(error))
    return redirect("lending:application", application_id=application.pk)


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.BORROWER, Role.OPERATOR, Role.REGULATOR)
    queue = selectors.applications_to_review() if user.role == Role.OPERATOR else (
        selectors.applications_of(user=user))
    return render(request, "lending/applications.html", {"applications": queue})


def _loan_page(request: HttpRequest, loan: Loan, *, form: RepaymentForm | None = None,
               recovery_form: RecoveryForm | None = None, refusal: str = "") -> HttpResponse:
    user = _user(request)
    refused = refusal or any(f is not None and f.errors for f in (form, recovery_form))
    return render(request, "lending/loan_detail.html", {
        "collection": getattr(loan, "collection", None),
        "recovery_form": recovery_form or RecoveryForm(),
        "loan": loan, "installments": loan.installments.order_by("number"),
        "reminders": Reminder.objects.filter(installment__loan=loan, sent_at__isnull=False)
        .select_related("installment").order_by("-business_date", "-pk")[:20],
        "quote": loan_quote(loan), "form": form or RepaymentForm(),
        "is_borrower": loan.listing.application.enterprise.representative_id == user.pk,
        "currency": loan.listing.application.product.currency, "refusal": refusal,
    }, status=FORM_REFUSED if refused else 200)


@login_required
@require_GET
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    return _loan_page(request, _loan(_user(request), loan_id))


@login_required
@require_POST
def loan_repay(request: HttpRequest, loan_id: int) -> HttpResponse:
    user = _user(request, Role.BORROWER)
    loan = _loan(user, loan_id)
    if loan.listing.application.enterprise.representative_id != user.pk:
        raise PermissionDenied
    form = RepaymentForm(request.POST)
    if form.is_valid():
        mode, amount = form.cleaned_data["mode"], form.cleaned_data["amount"]
        try:
            if mode in ("shorten", "lower"):
                prepayment_partial(user=user, loan=loan, principal=amount,
                                   repayment_id=form.sent_id, shorten_term=mode == "shorten")
            else:
                repayment_make(user=user, loan=loan, amount=amount, repayment_id=form.sent_id,
                               prepay=mode == "prepay")
        except PuhuiError as error:
            form_error(form, error)
        else:
            return redirect("lending:loan", loan_id=loan.pk)
    return _loan_page(request, loan, form=form)


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


def _listing_page(request: HttpRequest, listing: Listing, *, form: BidForm | None = None,
                  refusal: str = "") -> HttpResponse:
    user = _user(request)
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
    return _listing_page(request, _listing(listing_id))


@login_required
@require_POST
def listing_bid(request: HttpRequest, listing_id: int) -> HttpResponse:
    user = _user(request, Role.INVESTOR)
    listing = _listing(listing_id)
    form = BidForm(request.POST)
    if form.is_valid():
        try:
            services.bid_place(investor=user, listing=listing,
                               amount=form.cleaned_data["amount"], bid_id=form.sent_id)
        except PuhuiError as error:
            form_error(form, error)
        else:
            return redirect("lending:listing", listing_id=listing.pk)
    return _listing_page(request, listing, form=form)


@login_required
@require_POST
def bid_cancel(request: HttpRequest, bid_id: str) -> HttpResponse:
    user = _user(request, Role.INVESTOR)
    bid = selectors.bid_of(user=user, bid_id=bid_id)
    if bid is None:
        raise PermissionDenied
    try:
        services.bid_cancel(investor=user, bid=bid)
    except PuhuiError as error:
        return _listing_page(request, bid.listing, refusal=error_sentence(error))
    return redirect("lending:listing", listing_id=bid.listing_id)


@login_required
@require_POST
def listing_close(request: HttpRequest, listing_id: int) -> HttpResponse:
    _user(request, Role.OPERATOR)
    listing = _listing(listing_id)
    services.listing_close(listing=listing)
    return redirect("lending:listing", listing_id=listing.pk)


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.INVESTOR)
    bids = Bid.objects.select_related("listing__application__enterprise").filter(
        investor=user, status=BidStatus.PENDING)
    return render(request, "lending/portfolio.html",
                  {"portfolio": selectors.portfolio_of(user=user), "bids": bids})


# --- operator ---------------------------------------------------------------------------------


def _overdue_page(request: HttpRequest, *, form: CobForm | None = None,
                  outcome: object = None) -> HttpResponse:
    rules = rulebook_in_force().collections
    loans = [(loan, max((i.days_past_due for i in loan.installments.all()), default=0))
             for loan in selectors.loans_in_arrears()]
    return render(request, "lending/overdue_book.html", {
        "rows": [(loan, dpd, rules.bucket_for(dpd) if rules else dpd) for loan, dpd in loans],
        "form": form or CobForm(), "outcome": outcome,
    }, status=FORM_REFUSED if form is not None and form.errors else 200)


@login_required
@require_GET
def overdue_book(request: HttpRequest) -> HttpResponse:
    """The operator's overdue book; close of business can be run from here (in the demo this
    is how time passes)."""
    _user(request, Role.OPERATOR)
    return _overdue_page(request)


@login_required
@require_POST
def close_of_business(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.OPERATOR)
    if not user.has_duty(OperatorDuty.ADMIN):
        raise PermissionDenied
    form = CobForm(request.POST)
    if not form.is_valid():
        return _overdue_page(request, form=form)
    outcome = close_of_business_run(business_date=form.cleaned_data["business_date"])
    return _overdue_page(request, outcome=outcome)


@login_required
@require_POST
def loan_recovery(request: HttpRequest, loan_id: int) -> HttpResponse:
    user = _user(request, Role.OPERATOR)
    loan = _loan(user, loan_id)
    form = RecoveryForm(request.POST)
    if not form.is_valid():
        return _loan_page(request, loan, recovery_form=form)
    try:
        collections.recovery_record(operator=user, loan=loan,
                                    amount=form.cleaned_data["amount"], recovery_id=form.sent_id)
    except PuhuiError as error:
        form_error(form, error)
        return _loan_page(request, loan, recovery_form=form)
    return redirect("lending:loan", loan_id=loan.pk)


@login_required
@require_POST
def loan_write_off(request: HttpRequest, loan_id: int) -> HttpResponse:
    user = _user(request, Role.OPERATOR)
    loan = _loan(user, loan_id)
    try:
        collections.loan_write_off(operator=user, loan=loan)
    except PuhuiError as error:
        return _loan_page(request, loan, refusal=error_sentence(error))
    return redirect("lending:loan", loan_id=loan.pk)
