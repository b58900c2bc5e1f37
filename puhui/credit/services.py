"""Writes for credit: the model registry (register, activate), flags, and the evaluator lending
calls for every application (``PUHUI_CREDIT_EVALUATOR`` names ``credit_evaluate``).

An evaluation runs the knock-out rules first (each with its rulebook rule id; with the shared
registry's report also the cap across platforms, negative records and amounts past due at any
member), then scores with the active model, grades the PD on the rulebook's bands, prices (base
rate + grade spread, never above the rulebook's ceiling) and sets a limit (revenue × the
policy's multiple × the grade's share, within the per-platform cap, the cap across platforms
less what the report shows taken, and the product). Without an active model an application is
refused with that reason: never a silent pass.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.core.money import money_from_minor, money_shown, money_to_minor
from puhui.credit.errors import CreditError
from puhui.credit.features import enterprise_features
from puhui.credit.models import CreditDecision, CreditFlag, CreditModel, ModelKind
from puhui.credit.scoring import LoadedModel, Scored, model_loaded
from puhui.lending.ports import ApplicationFacts, Check, CreditOutcome, CreditReason, CreditSummary
from puhui.parties.models import Enterprise, OperatorDuty, User
from puhui.parties.services import require_duty
from puhui.registry.ports import (
    SECTIONS_THE_CREDIT_POLICY_READS,
    Financing,
    RegistryReport,
)
from puhui.rulebook.schema import CreditGrade, Rulebook
from puhui.rulebook.selectors import rulebook_section

PD_PLACES = Decimal("0.000001")


# --- the registry -----------------------------------------------------------------------------


@transaction.atomic
def model_register(*, artifact: dict[str, Any], name: str) -> CreditModel:
    """Store an artifact under its version; registering the same artifact again is a no-op."""
    existing = CreditModel.objects.filter(version=artifact["version"]).first()
    if existing:
        return existing
    return CreditModel.objects.create(version=artifact["version"], name=name,
                                      artifact=artifact,
                                      data_sha256=artifact["data"]["sha256"])


def shipped_model_ensure() -> CreditModel:
    """The shipped model registered, and active when no model is (a database emptied by a
    test, or one made before the migration ran)."""
    from puhui.credit.shipped import SHIPPED_NAME, shipped_artifact

    model = model_register(artifact=shipped_artifact(), name=SHIPPED_NAME)
    if not CreditModel.objects.filter(active=True).exists():
        # as the migration does: the starting state, not an operator's act to audit
        model.active, model.decides = True, ModelKind.SCORECARD
        model.save(update_fields=["active", "decides"])
    return model


def _model_fits_puhui(model: CreditModel) -> list[str]:
    from puhui.credit.features import Features

    supplied = set(Features.__dataclass_fields__)
    columns = model.artifact["columns"]
    return sorted((set(columns["numerical"]) | set(columns["categorical"])) - supplied)


@transaction.atomic
def model_activate(*, model: CreditModel, operator: User | None, decides: str) -> CreditModel:
    """Make ``model`` the one that decides, with ``decides`` (scorecard or challenger) as the
    deciding model. A model needing columns puhui cannot supply is refused."""
    if operator is not None:
        require_duty(operator, OperatorDuty.RISK_OFFICER)
    if decides not in ModelKind.values:
        raise PuhuiError(CreditError.MODEL_KIND_UNKNOWN, kind=decides)
    missing = _model_fits_puhui(model)
    if missing:
        raise PuhuiError(CreditError.MODEL_NEEDS_COLUMNS, columns=", ".join(missing))
    CreditModel.objects.select_for_update().filter(active=True).update(active=False)
    model.active, model.decides = True, decides
    model.activated_by, model.activated_at = operator, timezone.now()
    model.save(update_fields=["active", "decides", "activated_by", "activated_at"])
    audit_record(actor=operator, action="credit_model.activated",
                 subject=f"credit-model:{model.version}", decides=decides)
    return model


def model_active() -> tuple[CreditModel, LoadedModel] | None:
    row = CreditModel.objects.filter(active=True).only("version", "decides").first()
    if row is None:
        return None
    version = row.version
    loaded = model_loaded(version, lambda: CreditModel.objects.get(version=version).artifact)
    return row, loaded


@transaction.atomic
def flag_record(*, enterprise: Enterprise, kind: str, evidence: str,
                operator: User) -> CreditFlag:
    require_duty(operator, OperatorDuty.RISK_OFFICER)
    if not evidence.strip():
        raise PuhuiError(CreditError.FLAG_EVIDENCE_REQUIRED)
    flag = CreditFlag.objects.create(enterprise=enterprise, kind=kind, evidence=evidence,
                                     recorded_by=operator)
    audit_record(actor=operator, action="credit_flag.recorded",
                 subject=f"enterprise:{enterprise.pk}", kind=kind)
    return flag


# --- the evaluator ----------------------------------------------------------------------------


def _months_since(founded: date, today: date) -> int:
    return (today.year - founded.year) * 12 + today.month - founded.month - (
        today.day < founded.day)


def knock_outs(*, application: ApplicationFacts, rulebook: Rulebook, today: date,
               registry_report: RegistryReport | None = None) -> list[Check]:
    """The policy rules that refuse before any score, each under its rulebook rule id; with the
    shared registry's report, also what it shows across platforms."""
    enterprise = Enterprise.objects.get(pk=application.enterprise_id)
    currency = application.currency
    policy = rulebook_section(rulebook, "credit_policy")
    flags = set(CreditFlag.objects.filter(enterprise=enterprise, lifted_at__isnull=True)
                .values_list("kind", flat=True))
    checks = [Check.said(f"credit_policy.knock_out_flags.{kind}", kind not in flags,
                         _("recorded on this enterprise") if kind in flags
                         else _("none recorded"))
              for kind in policy.knock_out_flags]
    sizes = rulebook_section(rulebook, "size_classes")
    checks.append(Check.said("size_classes.admitted", enterprise.size_class in sizes.admitted,
                             _("size class {size_class}"), size_class=enterprise.size_class))
    cap = money_to_minor(rulebook_section(rulebook, "borrowing_caps").legal_person.per_platform,
                         currency)
    after = application.outstanding_here_fen + application.amount_fen
    checks.append(Check.said("borrowing_caps.legal_person.per_platform", after <= cap,
                             _("outstanding after this loan {after}; cap {cap}"),
                             after=money_shown(after, currency), cap=money_shown(cap, currency)))
    months = _months_since(enterprise.founded_on, today)
    checks.append(Check.said("credit_policy.min_enterprise_age_months",
                             months >= policy.min_enterprise_age_months,
                             _("founded {months} months ago; at least {minimum}"),
                             months=months, minimum=policy.min_enterprise_age_months))
    if registry_report is not None:
        checks += _registry_knock_outs(application, rulebook, registry_report)
    return checks


def _taken_across_platforms(report: RegistryReport, currency: str) -> int:
    """What the registry reports outstanding at every member plus what listings anywhere have
    reserved: the part of the cross-platform cap already taken."""
    return (money_to_minor(report.outstanding_total or Decimal(0), currency)
            + money_to_minor(report.reserved_total or Decimal(0), currency))


def _registry_knock_outs(application: ApplicationFacts, rulebook: Rulebook,
                         report: RegistryReport) -> list[Check]:
    """The cap across platforms, negative records and amounts past due anywhere, read from the
    registry's report; a report without what they read refuses rather than passes."""
    missing = report.sections_missing(SECTIONS_THE_CREDIT_POLICY_READS)
    if missing:
        return [Check.said("credit_information.report_sections", False,
                           _("the registry's report leaves out {sections}, which the credit "
                             "policy reads"), sections=", ".join(missing))]
    policy, currency = rulebook_section(rulebook, "credit_policy"), application.currency
    cap = money_to_minor(rulebook_section(rulebook, "borrowing_caps").legal_person.all_platforms,
                         currency)
    outstanding = money_to_minor(report.outstanding_total or Decimal(0), currency)
    reserved = money_to_minor(report.reserved_total or Decimal(0), currency)
    left = max(cap - outstanding - reserved, 0)
    checks = [Check.said(
        "borrowing_caps.legal_person.all_platforms", application.amount_fen <= left,
        _("across platforms {outstanding} outstanding and {reserved} reserved by listings "
          "raising money, so {left} is left under the cap of {cap}; this application asks "
          "{asked}"),
        outstanding=money_shown(outstanding, currency), reserved=money_shown(reserved, currency),
        left=money_shown(left, currency), cap=money_shown(cap, currency),
        asked=money_shown(application.amount_fen, currency))]
    for kind in policy.knock_out_negative_records:
        found = [record for record in report.negative_records or [] if record.kind == kind]
        checks.append(_negative_records_check(kind, found))
    if policy.knock_out_past_due:
        late = [line for line in report.financings or [] if line.past_due > 0]
        checks.append(_past_due_check(late, currency))
    return checks


def _negative_records_check(kind: str, found: list[Any]) -> Check:
    rule = f"credit_policy.knock_out_negative_records.{kind}"
    if not found:
        return Check.said(rule, True, _("none on record"))
    latest = max(record.reported_on for record in found)
    disputed = sum(1 for record in found if record.disputed)
    return Check.said(rule, False, _("{count} on record, the latest reported {latest} "
                                     "({disputed} disputed by the subject)"),
                      count=len(found), latest=latest.isoformat(), disputed=disputed)


def _past_due_check(late: list[Financing], currency: str) -> Check:
    rule = "credit_policy.knock_out_past_due"
    if not late:
        return Check.said(rule, True, _("nothing past due on any platform"))
    amount = money_shown(sum(money_to_minor(line.past_due, currency) for line in late), currency)
    since = min((line.first_delinquency_on for line in late if line.first_delinquency_on),
                default=None)
    since_text = since.isoformat() if since else "—"
    if len(late) > 1:
        return Check.said(rule, False, _("{amount} past due on {count} financings across "
                                         "platforms, the earliest since {since}"),
                          amount=amount, count=len(late), since=since_text)
    if late[0].lender == "you":
        return Check.said(rule, False, _("{amount} past due to this platform since {since}"),
                          amount=amount, since=since_text)
    return Check.said(rule, False, _("{amount} past due to member {letter} since {since}"),
                      amount=amount, letter=late[0].lender.rsplit(" ", 1)[-1], since=since_text)


def grade_for(pd_: Decimal, grades: list[CreditGrade]) -> CreditGrade:
    return next(grade for grade in grades if pd_ <= grade.max_pd)


def price_for(grade: CreditGrade, rulebook: Rulebook) -> Decimal:
    policy = rulebook_section(rulebook, "credit_policy")
    ceiling = rulebook_section(rulebook, "pricing").annual_rate_ceiling
    return min(policy.base_rate_annual + grade.rate_spread, ceiling)


@dataclass(frozen=True)
class Limit:
    fen: int
    bound: str  # which bound set it, in words


def limit_for(*, enterprise: Enterprise, grade: CreditGrade, rulebook: Rulebook,
              amount_max_fen: int, currency: str, outstanding: int,
              taken_across_platforms: int | None = None) -> Limit:
    """The most this enterprise may borrow now: the least of revenue × the policy's multiple ×
    the grade's share, the per-platform cap less what is in play here, the product's maximum
    and — with the registry's report — the cap across platforms less what is taken there."""
    policy = rulebook_section(rulebook, "credit_policy")
    caps = rulebook_section(rulebook, "borrowing_caps").legal_person
    revenue_fen = money_to_minor(enterprise.revenue_wan * 10_000, currency)
    by_revenue = int((revenue_fen * policy.max_amount_to_annual_revenue * grade.limit_share)
                     .to_integral_value(ROUND_DOWN))
    bounds = [(by_revenue, _("annual revenue × the credit policy's multiple × the grade's "
                             "share")),
              (money_to_minor(caps.per_platform, currency) - outstanding,
               _("the per-platform cap less what is in play on this platform")),
              (amount_max_fen, _("the product's maximum"))]
    if taken_across_platforms is not None:
        bounds.append((money_to_minor(caps.all_platforms, currency) - taken_across_platforms,
                       _("the cap across platforms less what the shared registry reports "
                         "outstanding and reserved")))
    fen, bound = min(bounds, key=lambda pair: pair[0])
    return Limit(max(0, fen), bound)


def _reasons(scored: Scored) -> tuple[CreditReason, ...]:
    return tuple(CreditReason(**reason.__dict__) for reason in scored.reasons)


def credit_evaluate(*, application: ApplicationFacts, rulebook: Rulebook,
                    registry_report: RegistryReport | None = None,
                    business_date: date | None = None) -> CreditOutcome:
    """The evaluator lending calls: knock-outs (with the shared registry's report when there is
    one), score, grade, price, limit, reason codes; the decision is recorded (with the model
    version and the report it read) whatever it is."""
    enterprise = Enterprise.objects.get(pk=application.enterprise_id)
    currency = application.currency
    today = business_date or business_date_today()
    checks = knock_outs(application=application, rulebook=rulebook, today=today,
                        registry_report=registry_report)
    summary: CreditSummary | None = None
    decision = CreditDecision(subject=application.subject, enterprise=enterprise,
                              amount_fen=application.amount_fen, passed=False,
                              knock_outs=[c.__dict__ for c in checks],
                              registry_report=registry_report.as_json() if registry_report
                              else {})
    active = model_active()
    if not all(check.passed for check in checks):
        pass  # knocked out: no score is needed or shown
    elif active is None:
        checks.append(Check.said("credit_policy.model_active", False,
                                 _("no credit model is active; a risk officer must activate "
                                   "one")))
    else:
        row, model = active
        policy = rulebook_section(rulebook, "credit_policy")
        features = enterprise_features(
            industry=enterprise.industry, employees=enterprise.employees,
            founded_on=enterprise.founded_on,
            amount_yuan=money_from_minor(application.amount_fen, currency),
            dollars_per_yuan=policy.model_dollars_per_yuan, today=today).as_row()
        scored = model.score_one(features, kind=row.decides)
        pd_ = Decimal(str(scored.pd)).quantize(PD_PLACES)
        grade = grade_for(pd_, policy.grades)
        rate = price_for(grade, rulebook)
        limit = limit_for(
            enterprise=enterprise, grade=grade, rulebook=rulebook,
            amount_max_fen=application.product_amount_max_fen, currency=currency,
            outstanding=application.outstanding_here_fen,
            taken_across_platforms=None if registry_report is None
            else _taken_across_platforms(registry_report, currency))
        checks.append(Check.said(f"credit_policy.grades.{grade.id}", grade.approve,
                                 _("grade {grade}: PD {pd}, score {score}"), grade=grade.id,
                                 pd=f"{pd_:.2%}", score=scored.score))
        checks.append(Check.said("credit_policy.max_amount_to_annual_revenue",
                                 application.amount_fen <= limit.fen,
                                 _("{asked} against a limit of {limit}, set by {bound}"),
                                 asked=money_shown(application.amount_fen, currency),
                                 limit=money_shown(limit.fen, currency), bound=limit.bound))
        decision.model_version, decision.model_kind = row.version, row.decides
        decision.score, decision.grade, decision.pd = scored.score, grade.id, pd_
        decision.rate_annual, decision.limit_fen = rate, limit.fen
        summary = CreditSummary(model_version=row.version, model_kind=row.decides,
                                score=scored.score, grade=grade.id, pd=pd_, rate_annual=rate,
                                limit_fen=limit.fen, reasons=_reasons(scored))
        decision.reasons = summary.as_json()["reasons"]
        decision.features = features
    decision.passed = all(check.passed for check in checks)
    decision.save()
    return CreditOutcome(checks=checks, summary=summary)
