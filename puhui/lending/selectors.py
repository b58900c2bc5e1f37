"""Reads for lending, with object-level permissions."""

from django.db.models import QuerySet

from puhui.core.errors import NOT_FOUND, PERMISSION_DENIED, PuhuiError
from puhui.lending.models import (
    ApplicationStatus,
    Listing,
    ListingStatus,
    Loan,
    LoanApplication,
    LoanProduct,
    LoanStatus,
    Note,
)
from puhui.parties.models import Role, User

SUPERVISING = (Role.OPERATOR, Role.REGULATOR)


def products_offered() -> QuerySet[LoanProduct]:
    return LoanProduct.objects.filter(active=True).order_by("code")


def applications_of(*, user: User) -> QuerySet[LoanApplication]:
    applications = LoanApplication.objects.select_related("enterprise", "product").order_by("-pk")
    if user.role in SUPERVISING:
        return applications
    return applications.filter(enterprise__representative=user)


def application_for(*, user: User, application_id: int) -> LoanApplication:
    application = applications_of(user=user).filter(pk=application_id).first()
    if application is None:
        exists = LoanApplication.objects.filter(pk=application_id).exists()
        raise PuhuiError(PERMISSION_DENIED if exists else NOT_FOUND,
                         what=f"application {application_id}")
    return application


def applications_to_review() -> QuerySet[LoanApplication]:
    return (LoanApplication.objects.select_related("enterprise", "product", "reviewer")
            .filter(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED,
                                ApplicationStatus.APPROVED])
            .order_by("created_at"))


def listings_open(*, term_months: int | None = None, method: str | None = None,
                  max_risk: int | None = None) -> QuerySet[Listing]:
    listings = (Listing.objects.select_related("application__enterprise",
                                               "application__product")
                .filter(status=ListingStatus.OPEN).order_by("closes_on", "pk"))
    if term_months:
        listings = listings.filter(application__term_months=term_months)
    if method:
        listings = listings.filter(application__method=method)
    if max_risk:
        listings = listings.filter(application__product__risk_level__lte=max_risk)
    return listings


def listing_get(*, listing_id: int) -> Listing:
    listing = (Listing.objects.select_related("application__enterprise", "application__product")
               .filter(pk=listing_id).first())
    if listing is None:
        raise PuhuiError(NOT_FOUND, what=f"listing {listing_id}")
    return listing


def loan_for(*, user: User, loan_id: int) -> Loan:
    loan = (Loan.objects.select_related("listing__application__enterprise",
                                        "listing__application__product")
            .filter(pk=loan_id).first())
    if loan is None:
        raise PuhuiError(NOT_FOUND, what=f"loan {loan_id}")
    borrower = loan.listing.application.enterprise.representative_id == user.pk
    lender = Note.objects.filter(loan=loan, investor=user).exists()
    if not (borrower or lender or user.role in SUPERVISING):
        raise PuhuiError(PERMISSION_DENIED)
    return loan


def notes_of(*, user: User) -> QuerySet[Note]:
    return (Note.objects.select_related("loan__listing__application__enterprise")
            .filter(investor=user).order_by("-pk"))


def loans_in_arrears() -> QuerySet[Loan]:
    return (Loan.objects.select_related("listing__application__enterprise")
            .prefetch_related("installments")
            .filter(status__in=[LoanStatus.OVERDUE, LoanStatus.DEFAULT]).order_by("pk"))
