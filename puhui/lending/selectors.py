"""Reads for lending, with object-level permissions."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from puhui.core.business_day import business_date_today
from puhui.core.errors import CoreError, PuhuiError
from puhui.ledger.models import Transfer
from puhui.ledger.selectors import account_credits_held
from puhui.lending.models import (
    ApplicationStatus,
    Bid,
    CobRun,
    Installment,
    Listing,
    ListingStatus,
    Loan,
    LoanApplication,
    LoanProduct,
    LoanStatus,
    Note,
)
from puhui.lending.ports import RAISED_PURPOSE, LendingCode, LoanFacts, ledger_transfer_id
from puhui.lending.schedules import xirr
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
        raise PuhuiError(CoreError.PERMISSION_DENIED if exists else CoreError.NOT_FOUND,
                         what=f"application {application_id}")
    return application


def applications_to_review() -> QuerySet[LoanApplication]:
    return (LoanApplication.objects.select_related("enterprise", "product", "reviewer")
            .filter(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED,
                                ApplicationStatus.APPROVED])
            .order_by("created_at"))


class _Raised(TypedDict):
    raised_fen: int  # what the listing's escrow holds now, pending and posted


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    RaisedListing = WithAnnotations[Listing, _Raised]


def listings_open(*, term_months: int | None = None, method: str | None = None,
                  max_risk: int | None = None, status: str = ListingStatus.OPEN,
                  grade: str = "", industry: str = "",
                  min_rate: Decimal | None = None) -> "QuerySet[RaisedListing]":
    """Listings raising money (or, by ``status``, past ones), filtered as a lender asks; each
    with ``raised_fen``, what its escrow holds now (read in the same query)."""
    listings = (Listing.objects.select_related("application__enterprise",
                                               "application__product")
                .annotate(raised_fen=account_credits_held(OuterRef("escrow_account_id")))
                .filter(status=status).order_by("closes_on", "pk"))
    if grade:
        listings = listings.filter(application__credit__grade=grade)
    if industry:
        listings = listings.filter(application__enterprise__industry=industry)
    if min_rate is not None:
        listings = listings.filter(rate_annual__gte=min_rate)
    if term_months:
        listings = listings.filter(application__term_months=term_months)
    if method:
        listings = listings.filter(application__method=method)
    if max_risk:
        listings = listings.filter(application__product__risk_level__lte=max_risk)
    return listings


def listing_get(*, listing_id: int) -> "RaisedListing":
    """One listing, with ``raised_fen`` as ``listings_open`` gives it."""
    listing = (Listing.objects.select_related("application__enterprise", "application__product")
               .annotate(raised_fen=account_credits_held(OuterRef("escrow_account_id")))
               .filter(pk=listing_id).first())
    if listing is None:
        raise PuhuiError(CoreError.NOT_FOUND, what=f"listing {listing_id}")
    return listing


def bid_of(*, user: User, bid_id: str) -> Bid | None:
    """The investor's own bid (None for anyone else's, or for an id that is no bid's)."""
    try:
        return Bid.objects.select_related("listing").filter(pk=bid_id, investor=user).first()
    except (ValueError, ValidationError):
        return None


def loan_for(*, user: User, loan_id: int) -> Loan:
    loan = (Loan.objects.select_related("listing__application__enterprise",
                                        "listing__application__product")
            .filter(pk=loan_id).first())
    if loan is None:
        raise PuhuiError(CoreError.NOT_FOUND, what=f"loan {loan_id}")
    borrower = loan.listing.application.enterprise.representative_id == user.pk
    lender = Note.objects.filter(loan=loan, investor=user).exists()
    if not (borrower or lender or user.role in SUPERVISING):
        raise PuhuiError(CoreError.PERMISSION_DENIED)
    return loan


def notes_of(*, user: User) -> QuerySet[Note]:
    return (Note.objects.select_related("loan__listing__application__enterprise")
            .filter(investor=user).order_by("-pk"))


def loans_book(*, status: str = "", grade: str = "", borrower: str = "") -> QuerySet[Loan]:
    """Every loan an operator or the regulator may look through, with what each still owes
    (``outstanding_fen``: principal not yet repaid), its worst days past due (``worst_dpd``)
    and its next unpaid due date (``next_due``), all read in one query."""
    unpaid = Q(installments__principal_paid_fen__lt=F("installments__principal_fen")) | Q(
        installments__interest_paid_fen__lt=F("installments__interest_fen"))
    loans = (Loan.objects.select_related("listing__application__enterprise",
                                         "listing__application__product")
             .annotate(outstanding_fen=Sum(F("installments__principal_fen")
                                           - F("installments__principal_paid_fen")),
                       worst_dpd=Max("installments__days_past_due"),
                       next_due=Min("installments__due_date", filter=unpaid)))
    if status:
        loans = loans.filter(status=status)
    if grade:
        loans = loans.filter(listing__application__credit__grade=grade)
    if borrower.strip():
        loans = loans.filter(listing__application__enterprise__name__icontains=borrower.strip())
    return loans


def loans_in_arrears() -> QuerySet[Loan]:
    return (Loan.objects.select_related("listing__application__enterprise")
            .prefetch_related("installments")
            .filter(status__in=[LoanStatus.OVERDUE, LoanStatus.DEFAULT]).order_by("pk"))


@dataclass(frozen=True)
class NoteView:
    note: Note
    expected_to_date_fen: int  # principal + interest the schedule promised by today
    received_fen: int


@dataclass(frozen=True)
class Portfolio:
    notes: list[NoteView]
    lent_fen: int
    principal_back_fen: int
    interest_earned_fen: int
    written_off_fen: int
    xirr: Decimal | None  # with what is still outstanding valued at par today

    @property
    def received_fen(self) -> int:
        return sum(view.received_fen for view in self.notes)

    @property
    def outstanding_fen(self) -> int:
        return sum(view.note.outstanding_fen for view in self.notes)


def portfolio_of(*, user: User, today: date | None = None) -> Portfolio:
    """The investor's notes: expected vs received cash and the XIRR of the real flows."""
    today = today or business_date_today()
    notes = list(notes_of(user=user).prefetch_related("loan__installments"))
    views = []
    flows: list[tuple[date, Decimal]] = []
    for note in notes:
        loan = note.loan
        share = Decimal(note.principal_fen) / Decimal(loan.principal_fen)
        due = sum(i.principal_fen + i.interest_fen for i in loan.installments.all()
                  if i.due_date <= today)
        received = note.principal_received_fen + note.interest_received_fen
        views.append(NoteView(note, int(Decimal(due) * share), received))
        flows.append((loan.value_date, Decimal(-note.principal_fen)))
    receipts = (Transfer.objects.filter(reference__in=[f"note:{n.pk}" for n in notes],
                                        kind__in=["posted", "post_pending"])
                .values_list("created_at", "amount"))
    flows += [(timezone.localtime(at).date(), Decimal(amount)) for at, amount in receipts]
    outstanding = sum(note.outstanding_fen for note in notes)
    if outstanding:
        flows.append((today, Decimal(outstanding)))
    return Portfolio(
        notes=views, lent_fen=sum(n.principal_fen for n in notes),
        principal_back_fen=sum(n.principal_received_fen for n in notes),
        interest_earned_fen=sum(n.interest_received_fen for n in notes),
        written_off_fen=sum(n.written_off_fen for n in notes),
        xirr=xirr(flows),
    )


def loan_facts(loan: Loan, *, as_of: date) -> LoanFacts:
    """The loan as its books show it on ``as_of``, for the shared registry's trade line."""
    # .all() reads what a caller prefetched (the monthly batch, close of business)
    installments = sorted(loan.installments.all(), key=lambda i: i.number)
    unsettled = [i for i in installments if not i.settled]
    late = [i for i in unsettled if i.due_date <= as_of]
    upcoming = next((i for i in unsettled if i.due_date > as_of), None)
    delinquent = [i.due_date for i in late if i.days_past_due > 0]
    return LoanFacts(
        loan_id=loan.pk, enterprise_uscc=loan.listing.application.enterprise.uscc,
        value_date=loan.value_date, principal_fen=loan.principal_fen,
        outstanding_principal_fen=sum(i.owed("principal") for i in installments),
        scheduled_payment_fen=sum(upcoming.owed(part) for part in ("principal", "interest",
                                                                   "fee")) if upcoming else 0,
        past_due_fen=sum(i.owed(part) for i in late
                         for part in ("principal", "interest", "fee", "penalty")),
        status=loan.status, days_past_due=max((i.days_past_due for i in late), default=0),
        first_delinquency_on=min(delinquent) if delinquent else None, as_of=as_of,
        product_type="debt_note" if loan.listing.application.purpose_category == RAISED_PURPOSE
        else "loan")


def loans_facts(*, as_of: date) -> Iterator[LoanFacts]:
    """Every loan's facts on ``as_of`` (the registry's monthly batch)."""
    loans = (Loan.objects.select_related("listing__application__enterprise")
             .prefetch_related("installments").order_by("pk"))
    for loan in loans.iterator(chunk_size=1000):
        yield loan_facts(loan, as_of=as_of)


def loans_defaulted(subjects: list[str]) -> dict[str, bool]:
    """``credit.ports.LoanOutcomes``: of these applications, those that became loans, and
    whether each loan defaulted (in default or written off)."""
    ids = [int(subject.rsplit(":", 1)[1]) for subject in subjects]
    loans = Loan.objects.filter(listing__application_id__in=ids).values_list(
        "listing__application_id", "status")
    return {f"loan-application:{application_id}": status in (LoanStatus.DEFAULT,
                                                             LoanStatus.WRITTEN_OFF)
            for application_id, status in loans}


# --- what the role homes draw -----------------------------------------------------------------


@dataclass(frozen=True)
class BorrowerSummary:
    loans: list[Loan]
    outstanding_fen: int
    next_due: Installment | None  # the earliest installment not yet settled
    schedule: list[tuple[str, int, int]]  # (month, principal, interest and fees) still owed


def borrower_summary(*, user: User) -> BorrowerSummary:
    loans = list(Loan.objects.filter(listing__application__enterprise__representative=user)
                 .select_related("listing__application__product")
                 .prefetch_related("installments").order_by("-value_date", "-pk"))
    open_loans = [loan for loan in loans if loan.status not in (LoanStatus.CLOSED,
                                                                LoanStatus.WRITTEN_OFF)]
    unsettled = sorted((i for loan in open_loans for i in loan.installments.all()
                        if not i.settled), key=lambda i: (i.due_date, i.pk))
    by_month: dict[str, list[int]] = {}
    for installment in unsettled:
        month = by_month.setdefault(installment.due_date.strftime("%Y-%m"), [0, 0])
        month[0] += installment.owed("principal")
        month[1] += installment.owed_total_fen - installment.owed("principal")
    return BorrowerSummary(
        loans=loans, outstanding_fen=sum(i.owed("principal") for i in unsettled),
        next_due=unsettled[0] if unsettled else None,
        schedule=[(month, p, i) for month, (p, i) in sorted(by_month.items())])


def overdue_by_bucket(*, bucket_for: Any) -> list[tuple[str, int, int]]:
    """Loans in arrears by days-past-due bucket: (bucket, loans, principal outstanding)."""
    buckets: dict[str, list[int]] = {}
    for loan in loans_in_arrears():
        installments = loan.installments.all()
        worst = max((i.days_past_due for i in installments), default=0)
        row = buckets.setdefault(bucket_for(worst), [0, 0])
        row[0] += 1
        row[1] += sum(i.owed("principal") for i in installments)
    return [(bucket, loans, fen) for bucket, (loans, fen) in sorted(buckets.items())]


Shares = list[tuple[str, int]]


def book_concentration(*, top: int = 10) -> tuple[int, Shares, Shares]:
    """The live book's principal outstanding: total, the ``top`` borrowers' shares and the
    industries' shares (the concentration a supervisor watches)."""
    rows = (Installment.objects.filter(loan__status__in=[LoanStatus.CURRENT, LoanStatus.OVERDUE,
                                                         LoanStatus.DEFAULT])
            .values("loan__listing__application__enterprise__name",
                    "loan__listing__application__enterprise__industry")
            .annotate(principal_owed=Sum(F("principal_fen") - F("principal_paid_fen"))))
    by_borrower: dict[str, int] = {}
    by_industry: dict[str, int] = {}
    for row in rows:
        owed = int(row["principal_owed"] or 0)
        name = row["loan__listing__application__enterprise__name"]
        industry = row["loan__listing__application__enterprise__industry"]
        by_borrower[name] = by_borrower.get(name, 0) + owed
        by_industry[industry] = by_industry.get(industry, 0) + owed
    ranked = sorted(by_borrower.items(), key=lambda pair: -pair[1])
    return (sum(by_borrower.values()), ranked[:top],
            sorted(by_industry.items(), key=lambda pair: -pair[1]))


def cob_last_run() -> CobRun | None:
    return CobRun.objects.filter(completed_at__isnull=False).order_by("-business_date",
                                                                       "-completed_at").first()


def loan_disbursement(loan: Loan) -> list[tuple[str, str, int]]:
    """How the money lent was paid out, as the ledger booked it: (code, payee, fen) for the
    platform's upfront fee, each supplier paid directly, and the borrower's wallet."""
    names = {str(ledger_transfer_id(f"payee-{index}:{payee['name']}", loan.pk)): payee["name"]
             for index, payee in enumerate(loan.listing.application.planned_payees)}
    moves = (Transfer.objects.filter(debit_account_id=loan.listing.escrow_account_id,
                                     reference=f"loan:{loan.pk}",
                                     code__in=[LendingCode.UPFRONT_FEE,
                                               LendingCode.ENTRUSTED_PAYMENT,
                                               LendingCode.DISBURSEMENT])
             .order_by("created_at", "id"))
    return [(move.code, names.get(str(move.id), ""), move.amount) for move in moves]
