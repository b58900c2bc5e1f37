"""Writes for lending: products, applications (checks, maker-checker), listings, bids,
funding into a loan with its notes and schedule.

Figures that are rules (caps, fundraising window, rate ceiling, credit policy) come from the
rulebook in force, and each pre-approval check is recorded with its rule id. Money moves only
through ``ledger.services.transfers_create``.
"""

import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import CoreError, PuhuiError, sent_before
from puhui.core.money import (
    money_from_minor,
    money_quantize,
    money_shown,
    money_split,
    money_to_minor,
)
from puhui.core.workdays import Calendar, CalendarFallbackWarning, add_working_days
from puhui.ledger.errors import TransferResult
from puhui.ledger.models import Account, NormalBalance
from puhui.ledger.services import (
    NewTransfer,
    account_create,
    account_for,
    linked_chain,
    transfers_create,
    transfers_require,
)
from puhui.lending.errors import LendingError
from puhui.lending.models import (
    ApplicationStatus,
    Bid,
    BidStatus,
    Installment,
    Listing,
    ListingStatus,
    Loan,
    LoanApplication,
    LoanProduct,
    Note,
    RepaymentMethod,
)
from puhui.lending.ports import (
    ApplicationFacts,
    Check,
    CreditEvaluator,
    CreditOutcome,
    CreditSummary,
    ExposureChange,
    ExposureEvent,
    ExposureEventReceiver,
    RegistryAnswer,
    RegistryStep,
)
from puhui.lending.schedules import schedule_all_in_rate, schedule_build
from puhui.lending.selectors import loan_facts
from puhui.parties.models import Enterprise, InvestorProfile, OperatorDuty, ReviewStatus, Role, User
from puhui.parties.services import checker_may_decide, require_duty
from puhui.rulebook.schema import Rulebook
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section
from puhui.rulebook.services import rule_evaluation_record

LEDGER_NAMESPACE = uuid.UUID("5a0f2c1e-7b3d-4e8a-9c6f-1d2e3f4a5b6c")


def _transfer_id(*parts: object) -> uuid.UUID:
    """Deterministic transfer ids from business keys: a retried step is a ledger ``exists``."""
    return uuid.uuid5(LEDGER_NAMESPACE, ":".join(str(part) for part in parts))


def _money(fen: int, currency: str = "CNY") -> str:
    return money_shown(fen, currency)


# --- wallets ----------------------------------------------------------------------------------


def wallet_for(*, owner: str, kind: str, currency: str = "CNY") -> Account:
    """The owner's wallet at the custodian (mirrored on the ledger); opened on first use."""
    return account_for(kind=kind, owner=owner, currency=currency,
                       debits_must_not_exceed_credits=True)


def platform_account(kind: str, currency: str = "CNY") -> Account:
    return account_for(kind=kind, owner="platform", currency=currency)


# --- products ---------------------------------------------------------------------------------


@transaction.atomic
def product_create(**fields: Any) -> LoanProduct:
    """A loan product, refused when it breaks the rulebook (rate ceiling, per-platform cap)."""
    book = rulebook_in_force()
    problems = []
    if book.pricing and Decimal(fields["rate_annual"]) > book.pricing.annual_rate_ceiling:
        problems.append(f"rate above the ceiling of {book.pricing.annual_rate_ceiling} "
                        "(rule pricing.annual_rate_ceiling)")
    if book.borrowing_caps:
        cap = money_to_minor(book.borrowing_caps.legal_person.per_platform, "CNY")
        if fields["amount_max_fen"] > cap:
            problems.append(f"maximum amount above the per-platform cap of {_money(cap)} "
                            "(rule borrowing_caps.legal_person.per_platform)")
    if not fields["terms_months"] or any(t < 1 for t in fields["terms_months"]):
        problems.append("terms must be positive months")
    if not fields["methods"] or set(fields["methods"]) - set(RepaymentMethod.values):
        problems.append(f"methods must be among {', '.join(RepaymentMethod.values)}")
    if problems:
        raise PuhuiError(LendingError.PRODUCT_INVALID, problem="; ".join(problems))
    product = LoanProduct(**fields)
    product.full_clean()
    product.save()
    return product


# --- pre-approval checks ----------------------------------------------------------------------


def registry_report_none(*, application: ApplicationFacts, rulebook: Rulebook) -> RegistryAnswer:
    """Without a shared registry the cross-platform check says so on every application."""
    return RegistryAnswer([Check(
        "borrowing_caps.legal_person.all_platforms", True,
        "no shared credit registry is configured: checked on this platform only")])


def headroom_reserve_none(*, application: ApplicationFacts,
                          rulebook: Rulebook) -> RegistryAnswer:
    """Without a shared registry there is no headroom to reserve elsewhere."""
    return RegistryAnswer([])


def application_facts(application: LoanApplication) -> ApplicationFacts:
    """The application as other apps judge it (``lending.ports``)."""
    return ApplicationFacts(
        subject=application.subject, enterprise_id=application.enterprise_id,
        enterprise_uscc=application.enterprise.uscc, amount_fen=application.amount_fen,
        currency=application.product.currency, term_months=application.term_months,
        product_amount_max_fen=application.product.amount_max_fen,
        outstanding_here_fen=outstanding_fen(application.enterprise, excluding=application))


def exposure_event(*, application: LoanApplication, change: ExposureChange,
                   loan: Loan | None = None, on: date | None = None) -> None:
    """Tell the shared registry what became of an application's reservation (released,
    converted into the loan) or that its loan changed, as of ``on`` (the business date).
    ``PUHUI_EXPOSURE_EVENTS`` names the receiver; without a registry there is none."""
    path = getattr(settings, "PUHUI_EXPOSURE_EVENTS", "")
    if not path:
        return
    facts = None if loan is None else loan_facts(loan, as_of=on or business_date_today())
    receiver: ExposureEventReceiver = import_string(path)
    receiver(ExposureEvent(change, application.subject, facts))


def _plugin(setting: str, default: Callable[..., Any] | None = None) -> Callable[..., Any]:
    path = getattr(settings, setting, "")
    if not path and default is None:
        raise RuntimeError(f"settings.{setting} must name a function")
    return import_string(path) if path else default  # type: ignore[return-value]


def outstanding_fen(enterprise: Enterprise, *, excluding: LoanApplication | None = None) -> int:
    """What the enterprise owes or is raising on this platform (applications in play), apart
    from ``excluding`` (the application being evaluated)."""
    live = [ApplicationStatus.SUBMITTED, ApplicationStatus.WAITING, ApplicationStatus.REVIEWED,
            ApplicationStatus.APPROVED, ApplicationStatus.LISTED]
    in_play = LoanApplication.objects.filter(enterprise=enterprise, status__in=live)
    if excluding is not None:
        in_play = in_play.exclude(pk=excluding.pk)
    total = (in_play
             .aggregate(total=Sum("amount_fen"))["total"])
    return int(total or 0)


# --- applications -----------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    user: User,
    enterprise: Enterprise,
    product: LoanProduct,
    amount: Decimal,
    term_months: int,
    method: str,
    purpose_category: str,
    purpose_description: str,
    planned_payees: Sequence[dict[str, Any]] = (),
    grace_months: int = 0,
    request_id: uuid.UUID | None = None,
) -> LoanApplication:
    """Apply for a loan; every pre-approval check runs and is recorded with its rule id.

    A failed check refuses the application (status ``refused``, checks kept for the borrower
    and the operator); otherwise it waits for an operator's review. ``request_id`` (the form's
    or the client's) makes a second send answer with the application the first one made.
    """
    if enterprise.representative_id != user.pk:
        raise PuhuiError(LendingError.NOT_YOUR_ENTERPRISE)
    if request_id is not None:
        # the enterprise's row serialises two sends of the same form
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        existing = LoanApplication.objects.filter(request_id=request_id).first()
        if existing is not None:
            return sent_before(existing, enterprise_id=enterprise.pk, product_id=product.pk,
                               amount_fen=money_to_minor(amount, product.currency),
                               term_months=term_months, method=method)
    if not product.active:
        raise PuhuiError(LendingError.PRODUCT_UNAVAILABLE, product=product.code)
    amount_fen = money_to_minor(amount, product.currency)
    problems = []
    if not product.amount_min_fen <= amount_fen <= product.amount_max_fen:
        problems.append(f"the amount must be {_money(product.amount_min_fen)} to "
                        f"{_money(product.amount_max_fen)}")
    if term_months not in product.terms_months:
        problems.append(f"the term must be one of {product.terms_months} months")
    if method not in product.methods:
        problems.append(f"the method must be one of {', '.join(product.methods)}")
    if not 0 <= grace_months <= product.grace_months_max or (
        grace_months and (grace_months >= term_months or method == RepaymentMethod.BULLET)
    ):
        problems.append(f"the grace period must be 0 to {product.grace_months_max} months, "
                        "shorter than the term, and not on a bullet loan")
    payees_fen = sum(money_to_minor(p["amount"], product.currency) for p in planned_payees)
    if payees_fen > amount_fen:
        problems.append("planned payees add up to more than the amount")
    if problems:
        raise PuhuiError(LendingError.APPLICATION_OUTSIDE_PRODUCT, problem="; ".join(problems))

    application = LoanApplication.objects.create(
        enterprise=enterprise, product=product, amount_fen=amount_fen,
        term_months=term_months, method=method, grace_months=grace_months,
        purpose_category=purpose_category,
        purpose_description=purpose_description, request_id=request_id,
        planned_payees=[{"name": p["name"],
                         "amount_fen": money_to_minor(p["amount"], product.currency)}
                        for p in planned_payees],
    )
    _application_evaluate(application, rulebook_in_force())
    audit_record(actor=user, action="loan_application.submitted", subject=application.subject,
                 status=application.status, amount_fen=amount_fen)
    return application


def _application_evaluate(application: LoanApplication, book: Rulebook) -> None:
    """Every pre-approval check, in order, each recorded with its rule id: the platform's
    admittance; the shared registry's report (asked only for an admitted enterprise); the credit
    engine, which reads that report; and, once all of them passed, headroom reserved under the
    cross-platform cap.

    The application is then submitted for review when every check passed, waits when only the
    registry could not be asked (nothing is approved without it), and is refused otherwise."""
    checks = [Check("admittance.approved",
                    application.enterprise.status == ReviewStatus.APPROVED,
                    f"enterprise admittance: {application.enterprise.status}")]
    facts = application_facts(application)
    registry = RegistryAnswer([])
    if checks[0].passed:
        report_step: RegistryStep = _plugin("PUHUI_REGISTRY_REPORT", registry_report_none)
        registry = report_step(application=facts, rulebook=book)
        checks += registry.checks
    credit = CreditOutcome([])
    if not registry.unreachable:
        evaluate: CreditEvaluator = _plugin("PUHUI_CREDIT_EVALUATOR")
        credit = evaluate(application=facts, rulebook=book, registry_report=registry.report)
        checks += credit.checks
    reserved = RegistryAnswer([])
    if all(check.passed for check in checks):
        reserve: RegistryStep = _plugin("PUHUI_EXPOSURE_RESERVE", headroom_reserve_none)
        reserved = reserve(application=facts, rulebook=book)
        checks += reserved.checks
    failed = [check for check in checks if not check.passed]
    unanswered = [check for answer in (registry, reserved) if answer.unreachable
                  for check in answer.checks]
    application.checks = [asdict(check) for check in checks]
    application.credit = credit.summary.as_json() if credit.summary else {}
    application.registry_report = registry.report.as_json() if registry.report else {}
    application.status = (
        ApplicationStatus.SUBMITTED if not failed else
        ApplicationStatus.WAITING if all(check in unanswered for check in failed) else
        ApplicationStatus.REFUSED)
    application.decision_reasons = "; ".join(f"{c.rule_id}: {c.detail}" for c in failed)
    application.save(update_fields=["checks", "credit", "registry_report", "status",
                                    "decision_reasons"])
    for check in checks:
        rule_evaluation_record(
            rulebook_id=book.rulebook.id, rulebook_version=book.rulebook.version,
            rule_id=check.rule_id, subject=application.subject,
            inputs={"amount_fen": application.amount_fen},
            outcome={"passed": check.passed, "detail": check.detail})


@transaction.atomic
def applications_recheck_waiting() -> dict[str, int]:
    """Evaluate again every application waiting for the shared registry — its report, the
    credit decision on it, the reservation; returns how many went on to review, were refused,
    or still wait."""
    counts = {"submitted": 0, "refused": 0, "waiting": 0}
    book = rulebook_in_force()
    waiting = LoanApplication.objects.select_for_update(of=("self",)).filter(
        status=ApplicationStatus.WAITING).select_related("enterprise", "product").order_by("pk")
    for application in waiting:
        _application_evaluate(application, book)
        if application.status == ApplicationStatus.REFUSED:
            # a reservation whose answer was lost on the way may be held: free it
            exposure_event(application=application, change=ExposureChange.RELEASED)
        counts[application.status] += 1
    return counts


def _application_locked(application: LoanApplication) -> LoanApplication:
    return LoanApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)


@transaction.atomic
def application_mark_reviewed(*, application: LoanApplication, reviewer: User,
                              note: str) -> LoanApplication:
    require_duty(reviewer, OperatorDuty.REVIEWER)
    application = _application_locked(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise PuhuiError(CoreError.APPLICATION_NOT_IN_STATE, status=application.status,
                         action="reviewed")
    application.status = ApplicationStatus.REVIEWED
    application.reviewer = reviewer
    application.save(update_fields=["status", "reviewer"])
    audit_record(actor=reviewer, action="loan_application.reviewed",
                 subject=application.subject, note=note)
    return application


@transaction.atomic
def application_decide(*, application: LoanApplication, approver: User, approve: bool,
                       reasons: str) -> LoanApplication:
    require_duty(approver, OperatorDuty.APPROVER)
    application = _application_locked(application)
    if application.status != ApplicationStatus.REVIEWED:
        raise PuhuiError(CoreError.APPLICATION_NOT_IN_STATE, status=application.status,
                         action="decided")
    checker_may_decide(maker_id=application.reviewer_id, checker=approver, approve=approve,
                       reasons=reasons)
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    application.approver = approver
    application.decision_reasons = reasons
    application.save(update_fields=["status", "approver", "decision_reasons"])
    if not approve:
        exposure_event(application=application, change=ExposureChange.RELEASED)
    audit_record(actor=approver, action=f"loan_application.{application.status}",
                 subject=application.subject, reasons=reasons)
    return application


# --- listings ---------------------------------------------------------------------------------


def listing_rate(application: LoanApplication) -> Decimal:
    """The credit decision's price when there is one (it is never above the rulebook's ceiling),
    otherwise the product's rate."""
    priced = CreditSummary.from_json(application.credit)
    return priced.rate_annual if priced else application.product.rate_annual


@transaction.atomic
def listing_open(*, application: LoanApplication, operator: User,
                 business_date: date | None = None) -> Listing:
    """Publish an approved application; the fundraising window is the rulebook's working days
    from ``business_date`` on the Chinese calendar (a year it does not cover yet: weekends
    only, with a warning)."""
    business_date = business_date or business_date_today()
    require_duty(operator, OperatorDuty.APPROVER)
    application = _application_locked(application)
    if application.status != ApplicationStatus.APPROVED:
        raise PuhuiError(CoreError.APPLICATION_NOT_IN_STATE, status=application.status,
                         action="listed")
    book = rulebook_in_force()
    days = rulebook_section(book, "fundraising").max_working_days
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalendarFallbackWarning)
        closes_on = add_working_days(business_date, days,
                                     Calendar(application.product.calendar))
    currency = application.product.currency
    owner = f"loan-application:{application.pk}"
    escrow = account_create(kind="listing_escrow", owner=owner, currency=currency)
    capacity = account_create(kind="listing_capacity", owner=owner, currency=currency,
                              debits_must_not_exceed_credits=True)
    sink = account_create(kind="listing_capacity_used", owner=owner, currency=currency)
    source = account_create(kind="listing_capacity_source", owner=owner, currency=currency,
                            normal_balance=NormalBalance.DEBIT)
    [loaded] = transfers_create([NewTransfer(
        id=_transfer_id("capacity", application.pk), debit_account_id=source.id,
        credit_account_id=capacity.id, amount=application.amount_fen, currency=currency,
        code="listing_capacity", reference=owner)])
    transfers_require([loaded], what="a listing's capacity")
    listing = Listing.objects.create(
        application=application, amount_fen=application.amount_fen,
        rate_annual=listing_rate(application), opens_at=timezone.now(),
        closes_on=closes_on, escrow_account_id=escrow.id, capacity_account_id=capacity.id,
        capacity_sink_account_id=sink.id, rulebook_id=book.rulebook.id,
        rulebook_version=book.rulebook.version,
        calendar_warning="; ".join(sorted({str(w.message) for w in caught})),
    )
    application.status = ApplicationStatus.LISTED
    application.save(update_fields=["status"])
    audit_record(actor=operator, action="listing.opened", subject=listing.subject,
                 closes_on=closes_on.isoformat())
    return listing


def listing_funded_fen(listing: Listing) -> int:
    """Live: what bids hold (pending) or have put (posted) into the listing's escrow."""
    escrow = Account.objects.get(pk=listing.escrow_account_id)
    return escrow.credits_pending + escrow.credits_posted


# --- bids -------------------------------------------------------------------------------------


@transaction.atomic
def bid_place(*, investor: User, listing: Listing, amount: Decimal, bid_id: uuid.UUID,
              business_date: date | None = None) -> Bid:
    """A bid is a linked pair of pending transfers (wallet → escrow, capacity → sink); the
    ledger refuses one that would overfund the listing. ``bid_id`` is the idempotency key.
    The bid that fills the listing funds it, as of ``business_date``."""
    business_date = business_date or business_date_today()
    # The listing row serialises bids on one listing: the per-investor cap stays exact, and a
    # second send of the same bid finds the first.
    listing = Listing.objects.select_for_update(of=("self",)).select_related(
        "application__product").get(pk=listing.pk)
    product = listing.application.product
    existing = Bid.objects.filter(pk=bid_id).first()
    if existing is not None:
        return sent_before(existing, listing_id=listing.pk, investor_id=investor.pk,
                           amount_fen=money_to_minor(amount, product.currency))
    if listing.status != ListingStatus.OPEN or business_date > listing.closes_on:
        raise PuhuiError(LendingError.LISTING_CLOSED)
    profile = InvestorProfile.objects.filter(user=investor).first()
    if investor.role != Role.INVESTOR or profile is None or (
        profile.status != ReviewStatus.APPROVED
    ):
        raise PuhuiError(LendingError.INVESTOR_NOT_ADMITTED)
    if profile.max_product_risk < product.risk_level:
        raise PuhuiError(LendingError.NOT_SUITABLE, risk=product.risk_level,
                         allowed=profile.max_product_risk)
    amount_fen = money_to_minor(amount, product.currency)
    if amount_fen < product.min_ticket_fen:
        raise PuhuiError(LendingError.BID_BELOW_MINIMUM, minimum=_money(product.min_ticket_fen))
    if amount_fen % product.ticket_multiple_fen:
        raise PuhuiError(LendingError.BID_NOT_A_MULTIPLE,
                         multiple=_money(product.ticket_multiple_fen))
    already = int(Bid.objects.filter(listing=listing, investor=investor,
                                     status__in=[BidStatus.PENDING, BidStatus.ACCEPTED])
                  .aggregate(total=Sum("amount_fen"))["total"] or 0)
    if already + amount_fen > product.per_investor_cap_fen:
        raise PuhuiError(LendingError.BID_OVER_INVESTOR_CAP,
                         cap=_money(product.per_investor_cap_fen),
                         already=_money(already))
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet",
                        currency=product.currency)
    capacity_id = _transfer_id("bid-capacity", bid_id)
    money, capacity = transfers_create([
        NewTransfer(id=bid_id, debit_account_id=wallet.id,
                    credit_account_id=listing.escrow_account_id, amount=amount_fen,
                    currency=product.currency, code="bid", pending=True, linked=True,
                    reference=listing.subject),
        NewTransfer(id=capacity_id, debit_account_id=listing.capacity_account_id,
                    credit_account_id=listing.capacity_sink_account_id, amount=amount_fen,
                    currency=product.currency, code="bid_capacity", pending=True,
                    reference=listing.subject),
    ])
    if capacity.result == TransferResult.EXCEEDS_CREDITS:
        remaining = listing.amount_fen - listing_funded_fen(listing)
        if remaining <= 0:
            raise PuhuiError(LendingError.LISTING_FULLY_FUNDED)
        raise PuhuiError(LendingError.BID_EXCEEDS_REMAINING, remaining=_money(remaining))
    if money.result == TransferResult.EXCEEDS_CREDITS:
        raise PuhuiError(LendingError.INSUFFICIENT_FUNDS)
    transfers_require([money, capacity], what=f"bid {bid_id}")
    bid = Bid.objects.create(id=bid_id, listing=listing, investor=investor,
                             amount_fen=amount_fen, capacity_transfer_id=capacity_id)
    audit_record(actor=investor, action="bid.placed", subject=listing.subject,
                 bid=str(bid_id), amount_fen=amount_fen)
    if listing_funded_fen(listing) == listing.amount_fen:
        listing_close(listing=listing, business_date=business_date)
    return bid


@transaction.atomic
def bid_cancel(*, investor: User, bid: Bid) -> Bid:
    listing = Listing.objects.select_for_update(of=("self",)).get(pk=bid.listing_id)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.investor_id == investor.pk and bid.status == BidStatus.CANCELLED:
        return bid  # cancelled already: a second send changes nothing
    if bid.investor_id != investor.pk or bid.status != BidStatus.PENDING or (
        listing.status != ListingStatus.OPEN
    ):
        raise PuhuiError(LendingError.BID_NOT_CANCELLABLE)
    _bids_resolve([bid], post=False)
    bid.status = BidStatus.CANCELLED
    bid.save(update_fields=["status"])
    audit_record(actor=investor, action="bid.cancelled", subject=listing.subject,
                 bid=str(bid.pk))
    return bid


def _bids_resolve(bids: Sequence[Bid], *, post: bool) -> None:
    """Post (or void) each bid's pair of pending transfers, in batches, each pair linked."""
    step = "post" if post else "void"
    events = []
    for bid in bids:
        events += [
            NewTransfer(id=_transfer_id(step, bid.pk), pending_id=bid.pk, linked=True,
                        post_pending_transfer=post, void_pending_transfer=not post),
            NewTransfer(id=_transfer_id(step, bid.capacity_transfer_id),
                        pending_id=bid.capacity_transfer_id,
                        post_pending_transfer=post, void_pending_transfer=not post),
        ]
    for start in range(0, len(events), 8_000):
        transfers_require(transfers_create(events[start : start + 8_000]),
                          what="the resolution of bids")


# --- closing a listing: fund or release -------------------------------------------------------


@transaction.atomic
def listing_close(*, listing: Listing, business_date: date | None = None) -> Listing:
    """Fund a full listing (post bids, take fees, disburse, issue notes and the schedule, the
    loan's value date being ``business_date``); when the window has passed, fund what was
    raised if the product allows partial funding from that share, else release every bid."""
    listing = Listing.objects.select_for_update(of=("self",)).select_related(
        "application__product", "application__enterprise").get(pk=listing.pk)
    if listing.status != ListingStatus.OPEN:
        return listing
    today = business_date or business_date_today()
    product = listing.application.product
    funded = listing_funded_fen(listing)
    full = funded == listing.amount_fen
    if not full and today <= listing.closes_on:
        return listing  # still raising
    share = Decimal(funded) / Decimal(listing.amount_fen)
    minimum = product.partial_funding_min_share
    pending = list(Bid.objects.select_for_update().filter(listing=listing,
                                                          status=BidStatus.PENDING))
    if full or (minimum is not None and funded > 0 and share >= minimum):
        _bids_resolve(pending, post=True)
        Bid.objects.filter(pk__in=[b.pk for b in pending]).update(status=BidStatus.ACCEPTED)
        listing.status = ListingStatus.FUNDED
        listing.funded_fen = funded
        listing.save(update_fields=["status", "funded_fen"])
        loan = _loan_create(listing, pending, funded, value_date=today)
        exposure_event(application=listing.application, change=ExposureChange.CONVERTED,
                       loan=loan, on=today)
        audit_record(actor=None, action="listing.funded", subject=listing.subject,
                     funded_fen=funded)
    else:
        _bids_resolve(pending, post=False)
        Bid.objects.filter(pk__in=[b.pk for b in pending]).update(status=BidStatus.RELEASED)
        listing.status = ListingStatus.FAILED
        listing.save(update_fields=["status"])
        exposure_event(application=listing.application, change=ExposureChange.RELEASED)
        audit_record(actor=None, action="listing.failed", subject=listing.subject,
                     funded_fen=funded)
    return listing


def _loan_create(listing: Listing, bids: Sequence[Bid], principal_fen: int, *,
                 value_date: date) -> Loan:
    application = listing.application
    product = application.product
    currency = product.currency
    upfront_fee = int((Decimal(principal_fen) * product.upfront_fee_rate).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))
    fee_per_period = money_quantize(
        Decimal(principal_fen) * product.fee_per_period_rate / 100, currency)
    schedule = schedule_build(
        amount=money_from_minor(principal_fen, currency), rate_annual=listing.rate_annual,
        months=application.term_months, method=application.method, start=value_date,
        currency=currency, fee_per_period=fee_per_period,
        grace_months=application.grace_months,
        upfront_fee=money_from_minor(upfront_fee, currency),
        calendar=Calendar(product.calendar),
    )
    apr, _effective = schedule_all_in_rate(schedule)
    borrower = wallet_for(owner=f"enterprise:{application.enterprise_id}",
                          kind="borrower_wallet", currency=currency)
    loan = Loan.objects.create(
        listing=listing, principal_fen=principal_fen, rate_annual=listing.rate_annual,
        method=application.method, value_date=value_date, upfront_fee_fen=upfront_fee,
        apr=apr, borrower_account_id=borrower.id,
    )
    Installment.objects.bulk_create([
        Installment(loan=loan, number=i.number, due_date=i.due_date, principal_fen=i.principal,
                    interest_fen=i.interest, fee_fen=i.fee)
        for i in schedule.installments
    ])
    # Notes in proportion to the accepted bids; they add up to the principal exactly.
    parts = money_split(principal_fen, [bid.amount_fen for bid in bids])
    Note.objects.bulk_create([
        Note(loan=loan, investor_id=bid.investor_id, principal_fen=part, bid=bid)
        for bid, part in zip(bids, parts, strict=True)
    ])
    # Disbursement in one linked batch: the fee to the platform, the planned payees paid
    # directly out of escrow (entrusted payment: the custodian pays them; the ledger's bank
    # mirror shrinks), the rest to the borrower. A partly funded loan pays the payees in
    # proportion to what was raised.
    fee_income = platform_account("platform_fee_income", currency)
    payable = principal_fen - upfront_fee
    planned = application.planned_payees
    planned_total = sum(int(p["amount_fen"]) for p in planned)
    if planned_total:
        scaled = min(planned_total, int(Decimal(planned_total) * principal_fen
                                        / application.amount_fen))
        to_payees = money_split(scaled, [int(p["amount_fen"]) for p in planned])
    else:
        to_payees = []
    moves: list[tuple[str, int, int, str]] = []  # (key, credit account, amount, code)
    if upfront_fee:
        moves.append(("upfront-fee", fee_income.id, upfront_fee, "upfront_fee"))
    if to_payees:
        mirror = Account.objects.filter(kind="custodian_bank", owner="custodian",
                                        currency=currency).first() or account_create(
            kind="custodian_bank", owner="custodian", currency=currency,
            normal_balance=NormalBalance.DEBIT)
        for index, (payee, amount) in enumerate(zip(planned, to_payees, strict=True)):
            if amount:
                moves.append((f"payee-{index}:{payee['name']}", mirror.id, amount,
                              "entrusted_payment"))
    moves.append(("disburse", borrower.id, payable - sum(to_payees), "disbursement"))
    disbursement = linked_chain([
        NewTransfer(id=_transfer_id(key, loan.pk), debit_account_id=listing.escrow_account_id,
                    credit_account_id=credit, amount=amount, currency=currency, code=code,
                    reference=f"loan:{loan.pk}")
        for key, credit, amount, code in moves if amount
    ])
    transfers_require(transfers_create(disbursement), what=f"the disbursement of loan {loan.pk}")
    return loan


def listings_close_expired(*, business_date: date) -> int:
    """Close every listing whose fundraising window ended before ``business_date`` (run by
    close of business); returns how many were closed."""
    expired = Listing.objects.filter(status=ListingStatus.OPEN, closes_on__lt=business_date)
    closed = 0
    for listing in expired.order_by("pk"):
        if listing_close(listing=listing,
                         business_date=business_date).status != ListingStatus.OPEN:
            closed += 1
    return closed
