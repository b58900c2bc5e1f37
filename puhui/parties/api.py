"""Parties API: registration, KYB, KYC and the admittance review. Personal data only masked."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from puhui.parties import selectors, services
from puhui.parties.auth import for_roles
from puhui.parties.models import AdmittanceReview, Enterprise, InvestorProfile, Role, User

router = Router(tags=["parties"])

Wan = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class RegisterIn(Schema):
    role: str = Field(description="borrower or investor")
    username: str = Field(min_length=1, max_length=150)
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str = Field(min_length=1, max_length=200)


class UserOut(Schema):
    id: int
    username: str
    role: str


class EnterpriseIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    uscc_code: str = Field(min_length=1, max_length=18)
    legal_rep_name: str = Field(min_length=1, max_length=100)
    legal_rep_id: str = Field(min_length=1, max_length=18)
    phone: str = Field(min_length=1, max_length=20)
    industry: str = Field(max_length=40)
    employees: int = Field(ge=0, le=10_000_000)
    revenue_wan: Wan
    total_assets_wan: Wan
    registered_capital_wan: Wan
    founded_on: date
    region: str = Field(min_length=1, max_length=100)
    bank_name: str = Field(min_length=1, max_length=100)
    bank_account: str = Field(min_length=1, max_length=40)


class ReviewOut(Schema):
    id: int
    status: str
    review_note: str
    decision_reasons: str


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    legal_rep_name: str
    legal_rep_id: str = Field(description="masked")
    phone: str = Field(description="masked")
    bank_account: str = Field(description="masked")
    industry: str
    employees: int
    revenue_wan: Decimal
    total_assets_wan: Decimal
    size_class: str
    size_classification: dict[str, Any]
    status: str
    review: ReviewOut | None


class InvestorIn(Schema):
    kind: str = Field(description="person or institution")
    full_name: str = Field(min_length=1, max_length=200)
    resident_id: str = Field("", max_length=18)
    uscc_code: str = Field("", max_length=18)
    phone: str = Field(min_length=1, max_length=20)
    bank_card: str = Field(min_length=1, max_length=40)
    declared_income_yuan: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    net_worth_yuan: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    answers: dict[str, str]


class InvestorOut(Schema):
    id: int
    kind: str
    full_name: str
    identity: str = Field(description="masked resident ID, or the institution's USCC")
    bank_card: str = Field(description="masked")
    suitability_score: int
    suitability_level: str
    max_product_risk: int
    status: str
    review: ReviewOut | None


class ReviewNoteIn(Schema):
    note: str = Field(min_length=1, max_length=2000)


class DecisionIn(Schema):
    approve: bool
    reasons: str = Field("", max_length=2000)


class QueueItemOut(Schema):
    id: int
    status: str
    subject: str
    applicant: str
    reviewer: str | None


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _applicant(review: AdmittanceReview) -> str:
    if review.enterprise is not None:
        return review.enterprise.name
    return review.investor.full_name if review.investor is not None else ""


def _review_out(review: AdmittanceReview | None) -> ReviewOut | None:
    if review is None:
        return None
    return ReviewOut(id=review.pk, status=review.status, review_note=review.review_note,
                     decision_reasons=review.decision_reasons)


def _enterprise_out(e: Enterprise) -> EnterpriseOut:
    return EnterpriseOut(
        id=e.pk, name=e.name, uscc=e.uscc, legal_rep_name=e.legal_rep_name,
        legal_rep_id=e.legal_rep_id_masked, phone=e.phone_masked,
        bank_account=e.bank_account_masked, industry=e.industry, employees=e.employees,
        revenue_wan=e.revenue_wan, total_assets_wan=e.total_assets_wan,
        size_class=e.size_class, size_classification=e.size_classification, status=e.status,
        review=_review_out(getattr(e, "review", None)),
    )


def _investor_out(p: InvestorProfile) -> InvestorOut:
    return InvestorOut(
        id=p.pk, kind=p.kind, full_name=p.full_name,
        identity=p.resident_id_masked or p.uscc, bank_card=p.bank_card_masked,
        suitability_score=p.suitability_score, suitability_level=p.suitability_level,
        max_product_risk=p.max_product_risk, status=p.status,
        review=_review_out(getattr(p, "review", None)),
    )


@router.post("/register", auth=None, response={201: UserOut}, summary="Register (self-service)")
def register(request: HttpRequest, payload: RegisterIn) -> Status[UserOut]:
    user = services.user_register(**payload.dict())
    return Status(201, UserOut(id=user.pk, username=user.username, role=user.role))


@router.post("/enterprises", response={201: EnterpriseOut}, auth=for_roles(Role.BORROWER),
             summary="Submit an enterprise (KYB)")
def enterprise_submit(request: HttpRequest, payload: EnterpriseIn) -> Status[EnterpriseOut]:
    enterprise = services.enterprise_submit(representative=_user(request), **payload.dict())
    return Status(201, _enterprise_out(enterprise))


@router.get("/enterprises", response=list[EnterpriseOut], summary="Enterprises you may see")
def enterprises_list(request: HttpRequest) -> list[EnterpriseOut]:
    return [_enterprise_out(e) for e in selectors.enterprises_visible_to(user=_user(request))]


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="One enterprise")
def enterprise_get(request: HttpRequest, enterprise_id: int) -> EnterpriseOut:
    return _enterprise_out(selectors.enterprise_for(user=_user(request),
                                                    enterprise_id=enterprise_id))


@router.post("/investor-profile", response={201: InvestorOut}, auth=for_roles(Role.INVESTOR),
             summary="Submit KYC")
def investor_submit(request: HttpRequest, payload: InvestorIn) -> Status[InvestorOut]:
    profile = services.investor_submit(user=_user(request), **payload.dict())
    return Status(201, _investor_out(profile))


@router.get("/investor-profile", response=InvestorOut, auth=for_roles(Role.INVESTOR),
            summary="Your investor profile")
def investor_get(request: HttpRequest) -> InvestorOut:
    user = _user(request)
    profile = selectors.investor_profile_of(user=user)
    if profile is None:
        raise Http404
    return _investor_out(profile)


@router.get("/reviews", response=list[QueueItemOut],
            auth=for_roles(*selectors.SUPERVISING_ROLES), summary="The admittance queue")
def reviews_list(request: HttpRequest) -> list[QueueItemOut]:
    return [
        QueueItemOut(
            id=r.pk, status=r.status, subject=r.subject,
            applicant=_applicant(r),
            reviewer=r.reviewer.username if r.reviewer else None,
        )
        for r in selectors.reviews_open()
    ]


@router.post("/reviews/{review_id}/review", response=ReviewOut, auth=for_roles(Role.OPERATOR),
             summary="Mark reviewed (maker)")
def review_mark(request: HttpRequest, review_id: int, payload: ReviewNoteIn) -> ReviewOut | None:
    user = _user(request)
    review = selectors.review_for(user=user, review_id=review_id)
    return _review_out(services.review_mark_reviewed(review=review, reviewer=user,
                                                     note=payload.note))


@router.post("/reviews/{review_id}/decision", response=ReviewOut,
             auth=for_roles(Role.OPERATOR), summary="Approve or reject (checker)")
def review_decide(request: HttpRequest, review_id: int, payload: DecisionIn) -> ReviewOut | None:
    user = _user(request)
    review = selectors.review_for(user=user, review_id=review_id)
    return _review_out(services.review_decide(review=review, approver=user,
                                              approve=payload.approve, reasons=payload.reasons))
