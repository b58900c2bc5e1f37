"""Lending API: listings and bids (investors), applications and repayments (borrowers)."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from puhui.core.money import money_from_minor
from puhui.lending import selectors, services
from puhui.lending.ports import CreditSummary
from puhui.lending.services.repayments import repayment_make
from puhui.parties.auth import for_roles
from puhui.parties.models import Role, User
from puhui.parties.selectors import enterprise_for

if TYPE_CHECKING:
    from puhui.lending.selectors import RaisedListing

router = Router(tags=["lending"])
Yuan = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]


class ListingOut(Schema):
    id: int
    borrower: str
    amount: str
    funded: str
    rate_annual: str
    term_months: int
    method: str
    purpose: str
    risk_level: int
    closes_on: date
    status: str


class BidIn(Schema):
    id: UUID = Field(description="Your idempotency key: a retry with the same id is one bid.")
    amount: Yuan


class BidOut(Schema):
    id: UUID
    listing_id: int
    amount: str
    status: str


class ApplicationIn(Schema):
    id: UUID | None = Field(None, description="Your idempotency key: a retry with the same id "
                                              "answers with the application it made.")
    enterprise_id: int
    product: str = Field(max_length=40)
    amount: Yuan
    term_months: int = Field(ge=1, le=600)
    method: str = Field(max_length=20)
    purpose_category: str = Field(max_length=40)
    purpose_description: str = Field(min_length=1, max_length=2000)


class CheckOut(Schema):
    rule_id: str
    passed: bool
    detail: str


class ReasonOut(Schema):
    feature: str
    label_en: str
    label_zh: str
    value: str
    bin: str
    points: int | None
    points_lost: int | None
    log_odds: float | None


class CreditOut(Schema):
    model_version: str
    model_kind: str
    score: int
    grade: str
    pd: str
    rate_annual: str
    limit: str
    reasons: list[ReasonOut]


class ApplicationOut(Schema):
    id: int
    status: str
    amount: str
    checks: list[CheckOut]
    credit: CreditOut | None  # None when a knock-out rule refused before any score
    decision_reasons: str


class InstallmentOut(Schema):
    number: int
    due_date: date
    principal: str
    interest: str
    fee: str
    penalty: str
    days_past_due: int
    settled: bool


class LoanOut(Schema):
    id: int
    status: str
    principal: str
    rate_annual: str
    apr: str
    installments: list[InstallmentOut]


class RepaymentIn(Schema):
    id: UUID
    amount: Yuan
    prepay: bool = False


class RepaymentOut(Schema):
    id: UUID
    amount: str
    allocation: dict[str, int]


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _yuan(fen: int) -> str:
    return str(money_from_minor(fen, "CNY"))


def _listing_out(listing: "RaisedListing") -> ListingOut:
    application = listing.application
    return ListingOut(
        id=listing.pk, borrower=application.enterprise.name, amount=_yuan(listing.amount_fen),
        funded=_yuan(listing.raised_fen),
        rate_annual=str(listing.rate_annual), term_months=application.term_months,
        method=application.method, purpose=application.purpose_description,
        risk_level=application.product.risk_level, closes_on=listing.closes_on,
        status=listing.status)


@router.get("/listings", response=list[ListingOut], summary="Listings raising money")
def listings(request: HttpRequest) -> list[ListingOut]:
    return [_listing_out(listing) for listing in selectors.listings_open()]


@router.get("/listings/{listing_id}", response=ListingOut, summary="One listing")
def listing_get(request: HttpRequest, listing_id: int) -> ListingOut:
    return _listing_out(selectors.listing_get(listing_id=listing_id))


@router.post("/listings/{listing_id}/bids", response={201: BidOut},
             auth=for_roles(Role.INVESTOR), summary="Bid (a pending hold on your wallet)")
def bid_place(request: HttpRequest, listing_id: int, payload: BidIn) -> Status[BidOut]:
    listing = selectors.listing_get(listing_id=listing_id)
    bid = services.bid_place(investor=_user(request), listing=listing, amount=payload.amount,
                             bid_id=payload.id)
    return Status(201, BidOut(id=bid.pk, listing_id=listing.pk, amount=_yuan(bid.amount_fen),
                              status=bid.status))


@router.post("/bids/{bid_id}/cancel", response=BidOut, auth=for_roles(Role.INVESTOR),
             summary="Cancel a bid while its listing is open")
def bid_cancel(request: HttpRequest, bid_id: UUID) -> BidOut:
    user = _user(request)
    bid = selectors.bid_of(user=user, bid_id=str(bid_id))
    if bid is None:
        raise PermissionDenied
    bid = services.bid_cancel(investor=user, bid=bid)
    return BidOut(id=bid.pk, listing_id=bid.listing_id, amount=_yuan(bid.amount_fen),
                  status=bid.status)


@router.post("/applications", response={201: ApplicationOut}, auth=for_roles(Role.BORROWER),
             summary="Apply for a loan")
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status[ApplicationOut]:
    user = _user(request)
    enterprise = enterprise_for(user=user, enterprise_id=payload.enterprise_id)
    product = selectors.products_offered().filter(code=payload.product).first()
    if product is None:
        raise Http404
    application = services.application_submit(
        user=user, enterprise=enterprise, product=product, amount=payload.amount,
        term_months=payload.term_months, method=payload.method,
        purpose_category=payload.purpose_category,
        purpose_description=payload.purpose_description, request_id=payload.id)
    return Status(201, ApplicationOut(
        id=application.pk, status=application.status, amount=_yuan(application.amount_fen),
        checks=[CheckOut(**check) for check in application.checks],
        credit=_credit_out(application.credit),
        decision_reasons=application.decision_reasons))


def _credit_out(stored: dict[str, Any]) -> CreditOut | None:
    credit = CreditSummary.from_json(stored)
    if credit is None:
        return None
    return CreditOut(model_version=credit.model_version, model_kind=credit.model_kind,
                     score=credit.score, grade=credit.grade, pd=str(credit.pd),
                     rate_annual=str(credit.rate_annual), limit=_yuan(credit.limit_fen),
                     reasons=[ReasonOut(**asdict(reason)) for reason in credit.reasons])


@router.get("/loans/{loan_id}", response=LoanOut, summary="A loan and its schedule")
def loan_get(request: HttpRequest, loan_id: int) -> LoanOut:
    loan = selectors.loan_for(user=_user(request), loan_id=loan_id)
    return LoanOut(
        id=loan.pk, status=loan.status, principal=_yuan(loan.principal_fen),
        rate_annual=str(loan.rate_annual), apr=str(loan.apr),
        installments=[InstallmentOut(
            number=i.number, due_date=i.due_date, principal=_yuan(i.principal_fen),
            interest=_yuan(i.interest_fen), fee=_yuan(i.fee_fen), penalty=_yuan(i.penalty_fen),
            days_past_due=i.days_past_due, settled=i.settled)
            for i in loan.installments.order_by("number")])


@router.post("/loans/{loan_id}/repayments", response={201: RepaymentOut},
             auth=for_roles(Role.BORROWER), summary="Repay (or prepay everything)")
def repayment(request: HttpRequest, loan_id: int, payload: RepaymentIn) -> Status[RepaymentOut]:
    user = _user(request)
    loan = selectors.loan_for(user=user, loan_id=loan_id)
    made = repayment_make(user=user, loan=loan, amount=payload.amount, repayment_id=payload.id,
                          prepay=payload.prepay)
    return Status(201, RepaymentOut(id=made.pk, amount=_yuan(made.amount_fen),
                                    allocation=made.allocation))
