"""Loan applications: every pre-approval check recorded with its rule id, waiting for the
shared registry when it cannot be asked, and maker-checker review."""

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as _
from django_stubs_ext import StrOrPromise

from puhui.audit.services import audit_record
from puhui.core.errors import CoreError, PuhuiError, sent_before
from puhui.core.labels import labels_joined
from puhui.core.money import money_from_minor, money_shown, money_to_minor
from puhui.lending.errors import LendingError
from puhui.lending.models import (
    APPLICATION_MOVES,
    ApplicationStatus,
    LoanApplication,
    LoanProduct,
    RepaymentMethod,
)
from puhui.lending.notices import notices_application_decided
from puhui.lending.ports import (
    Check,
    CreditEvaluator,
    CreditOutcome,
    ExposureChange,
    RegistryAnswer,
    RegistryStep,
)
from puhui.lending.services.plugins import (
    application_facts,
    exposure_event,
    headroom_reserve_none,
    plugin,
    registry_report_none,
)
from puhui.parties.models import Enterprise, OperatorDuty, ReviewStatus, User
from puhui.parties.services import checker_may_decide, require_duty
from puhui.rulebook.schema import Rulebook
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section
from puhui.rulebook.services import rule_evaluation_record


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
    problems = _product_misfits(product, amount_fen=amount_fen, term_months=term_months,
                                method=method, grace_months=grace_months,
                                planned_payees=planned_payees)
    if problems:
        raise PuhuiError(LendingError.APPLICATION_OUTSIDE_PRODUCT,
                         problem=format_lazy("; ".join(["{}"] * len(problems)), *problems))

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


@dataclass
class _Evaluation:
    checks: list[Check]
    credit: CreditOutcome
    registry: RegistryAnswer  # with the report as the registry sent it
    status: str  # submitted (all passed), waiting (only the registry unasked) or refused
    failed: list[Check]


def _evaluation(application: LoanApplication, book: Rulebook, *,
                reserved_before: bool = False) -> _Evaluation:
    """Every pre-approval check, in order, each under its rule id: the platform's admittance;
    the shared registry's report (asked only for an admitted enterprise); the credit engine,
    which reads that report; and, once all of them passed, headroom reserved under the
    cross-platform cap (asked again, the reservation held before must still be held, and the
    report is read without it).

    The application passes when every check passed, waits when only the registry could not be
    asked (nothing is approved without it), and is refused otherwise."""
    checks = [Check.said("admittance.approved",
                         application.enterprise.status == ReviewStatus.APPROVED,
                         _("enterprise admittance: {status}"),
                         status=application.enterprise.status)]
    facts = application_facts(application)
    registry = RegistryAnswer([])
    if checks[0].passed:
        report_step: RegistryStep = plugin("PUHUI_REGISTRY_REPORT", registry_report_none)
        registry = report_step(application=facts, rulebook=book)
        checks += registry.checks
    report = registry.report
    if report is not None and reserved_before:
        report = report.without_reservation(money_from_minor(application.amount_fen,
                                                             application.product.currency))
    credit = CreditOutcome([])
    if not registry.unreachable:
        evaluate: CreditEvaluator = plugin("PUHUI_CREDIT_EVALUATOR")
        credit = evaluate(application=facts, rulebook=book, registry_report=report)
        checks += credit.checks
    reserved = RegistryAnswer([])
    if all(check.passed for check in checks):
        reserve: RegistryStep = plugin("PUHUI_EXPOSURE_RESERVE", headroom_reserve_none)
        reserved = reserve(application=facts, rulebook=book)
        checks += reserved.checks
    failed = [check for check in checks if not check.passed]
    unanswered = [check for answer in (registry, reserved) if answer.unreachable
                  for check in answer.checks]
    status = (ApplicationStatus.SUBMITTED if not failed else
              ApplicationStatus.WAITING if all(check in unanswered for check in failed) else
              ApplicationStatus.REFUSED)
    return _Evaluation(checks, credit, registry, status, failed)


def _evaluation_store(application: LoanApplication, evaluation: _Evaluation, book: Rulebook,
                      *, status: str, keep_credit: bool = False) -> None:
    """Store the checks and the report; the credit decision too, unless ``keep_credit`` (asked
    again, a passing application keeps the price and limit its reviewer saw)."""
    application.checks = [asdict(check) for check in evaluation.checks]
    if not keep_credit:
        application.credit = (evaluation.credit.summary.as_json() if evaluation.credit.summary
                              else {})
    if evaluation.registry.report is not None:
        application.registry_report = evaluation.registry.report.as_json()
        application.registry_report_at = timezone.now()
    application.status = status
    application.decision_reasons = "; ".join(f"{c.rule_id}: {c.detail}"
                                             for c in evaluation.failed)
    application.save(update_fields=["checks", "credit", "registry_report",
                                    "registry_report_at", "status", "decision_reasons"])
    for check in evaluation.checks:
        rule_evaluation_record(
            rulebook_id=book.rulebook.id, rulebook_version=book.rulebook.version,
            rule_id=check.rule_id, subject=application.subject,
            inputs={"amount_fen": application.amount_fen},
            outcome={"passed": check.passed, "detail": check.detail})


def _application_evaluate(application: LoanApplication, book: Rulebook) -> None:
    evaluation = _evaluation(application, book)
    _evaluation_store(application, evaluation, book, status=evaluation.status)


REFRESHABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED,
               ApplicationStatus.APPROVED)


def application_registry_recheck(*, application: LoanApplication,
                                 target: str | None = ApplicationStatus.APPROVED,
                                 ) -> LoanApplication:
    """Ask the shared registry again before an application is approved or listed: a fresh
    report (the credit engine reads it again) and the reservation still held. Committed on its
    own, so a refusal stands even though the approval it stopped is refused with an error:

    - every check passes: the fresh report and checks are stored, the status unchanged;
    - the registry cannot be asked: the stored report serves if it is younger than the
      rulebook's ``credit_information.report_max_age_hours``; otherwise REGISTRY_REPORT_STALE;
    - a check fails: the application is refused, its reservation released, and
      REFUSED_ON_FRESH_REPORT names why.

    ``target`` is the move the recheck comes before; None is the operator's refresh of an
    application still in play."""
    book = rulebook_in_force()
    with transaction.atomic():
        application = application_locked(application)
        if target is not None:
            APPLICATION_MOVES.require(application.status, target,
                                      error=CoreError.APPLICATION_NOT_IN_STATE, action=target)
        elif application.status not in REFRESHABLE:
            raise PuhuiError(CoreError.APPLICATION_NOT_IN_STATE, status=application.status,
                             action="asked again")
        evaluation = _evaluation(application, book, reserved_before=True)
        if evaluation.status == ApplicationStatus.SUBMITTED:
            _evaluation_store(application, evaluation, book, status=application.status,
                              keep_credit=True)
            return application
        if evaluation.status == ApplicationStatus.REFUSED:
            _evaluation_store(application, evaluation, book, status=ApplicationStatus.REFUSED)
            exposure_event(application=application, change=ExposureChange.RELEASED)
            notices_application_decided(application)
            audit_record(actor=None, action="loan_application.refused_on_fresh_report",
                         subject=application.subject, reasons=application.decision_reasons)
    if evaluation.status == ApplicationStatus.REFUSED:
        raise PuhuiError(LendingError.REFUSED_ON_FRESH_REPORT,
                         reasons=application.decision_reasons)
    hours = rulebook_section(book, "credit_information").report_max_age_hours
    taken = application.registry_report_at
    if taken is None or timezone.now() - taken > timedelta(hours=hours):
        raise PuhuiError(LendingError.REGISTRY_REPORT_STALE, hours=hours,
                         taken_at=timezone.localtime(taken).strftime("%Y-%m-%d %H:%M")
                         if taken else "never")
    return application


@transaction.atomic
def application_withdraw(*, user: User, application: LoanApplication) -> LoanApplication:
    """The borrower takes back an application not yet listed; headroom it reserved at the
    shared registry is released. Withdrawing again changes nothing."""
    application = application_locked(application)
    if application.enterprise.representative_id != user.pk:
        raise PuhuiError(LendingError.NOT_YOUR_ENTERPRISE)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    APPLICATION_MOVES.require(application.status, ApplicationStatus.WITHDRAWN,
                              error=CoreError.APPLICATION_NOT_IN_STATE, action="withdrawn")
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status"])
    exposure_event(application=application, change=ExposureChange.RELEASED)
    audit_record(actor=user, action="loan_application.withdrawn", subject=application.subject)
    return application


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


def application_locked(application: LoanApplication) -> LoanApplication:
    return LoanApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)


@transaction.atomic
def application_mark_reviewed(*, application: LoanApplication, reviewer: User,
                              note: str) -> LoanApplication:
    require_duty(reviewer, OperatorDuty.REVIEWER)
    application = application_locked(application)
    APPLICATION_MOVES.require(application.status, ApplicationStatus.REVIEWED,
                              error=CoreError.APPLICATION_NOT_IN_STATE, action="reviewed")
    application.status = ApplicationStatus.REVIEWED
    application.reviewer = reviewer
    application.review_note = note
    application.save(update_fields=["status", "reviewer", "review_note"])
    audit_record(actor=reviewer, action="loan_application.reviewed",
                 subject=application.subject, note=note)
    return application


def application_decide(*, application: LoanApplication, approver: User, approve: bool,
                       reasons: str) -> LoanApplication:
    """The checker's decision. An approval asks the shared registry again first
    (``application_registry_recheck``): no loan is approved on a stale report."""
    require_duty(approver, OperatorDuty.APPROVER)
    if approve:
        checker_may_decide(maker_id=application.reviewer_id, checker=approver, approve=approve,
                           reasons=reasons)
        application = application_registry_recheck(application=application)
    return _application_decide(application=application, approver=approver, approve=approve,
                               reasons=reasons)


@transaction.atomic
def _application_decide(*, application: LoanApplication, approver: User, approve: bool,
                        reasons: str) -> LoanApplication:
    application = application_locked(application)
    APPLICATION_MOVES.require(
        application.status, ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED,
        error=CoreError.APPLICATION_NOT_IN_STATE, action="decided")
    checker_may_decide(maker_id=application.reviewer_id, checker=approver, approve=approve,
                       reasons=reasons)
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    application.approver = approver
    application.decision_reasons = reasons
    application.save(update_fields=["status", "approver", "decision_reasons"])
    if not approve:
        exposure_event(application=application, change=ExposureChange.RELEASED)
    notices_application_decided(application)
    audit_record(actor=approver, action=f"loan_application.{application.status}",
                 subject=application.subject, reasons=reasons)
    return application


def _product_misfits(product: LoanProduct, *, amount_fen: int, term_months: int, method: str,
                     grace_months: int, planned_payees: Sequence[dict[str, Any]]
                     ) -> list[StrOrPromise]:
    """What in an application the product does not allow, each said in words."""
    problems: list[StrOrPromise] = []
    if not product.amount_min_fen <= amount_fen <= product.amount_max_fen:
        problems.append(format_lazy(gettext_lazy("the amount must be {low} to {high}"),
                                    low=money_shown(product.amount_min_fen, "CNY"),
                                    high=money_shown(product.amount_max_fen, "CNY")))
    if term_months not in product.terms_months:
        problems.append(format_lazy(gettext_lazy("the term must be one of {terms} months"),
                                    terms=", ".join(map(str, product.terms_months))))
    if method not in product.methods:
        problems.append(format_lazy(gettext_lazy("the repayment method must be one of: {methods}"),
                                    methods=labels_joined(RepaymentMethod(m).label
                                                           for m in product.methods)))
    if not 0 <= grace_months <= product.grace_months_max or (
        grace_months and (grace_months >= term_months or method == RepaymentMethod.BULLET)
    ):
        problems.append(format_lazy(gettext_lazy(
            "the grace period must be 0 to {months} months, shorter than the term, and not on "
            "a bullet loan"), months=product.grace_months_max))
    payees_fen = sum(money_to_minor(p["amount"], product.currency) for p in planned_payees)
    if payees_fen > amount_fen:
        problems.append(gettext_lazy("planned payees add up to more than the amount"))
    return problems
