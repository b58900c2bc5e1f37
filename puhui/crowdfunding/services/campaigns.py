"""A campaign's life before and around its raise: drafted by the issuer, reviewed by one
operator and approved by another (going online), cancelled by the issuer, suspended and
resumed by an operator, closed early with notice. Each move is checked against
``CAMPAIGN_MOVES`` and leaves an audit event."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError, sent_before
from puhui.core.labels import labels_joined
from puhui.core.money import money_shown, money_to_minor
from puhui.core.pii import pii_encrypt
from puhui.core.workdays import Calendar, add_working_days
from puhui.crowdfunding import ballot
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import (
    Allocation,
    Campaign,
    CampaignKind,
    CampaignStatus,
    EquityHolding,
    FundingModel,
    RewardTier,
)
from puhui.crowdfunding.notices import notices_campaign_decided, notices_early_close
from puhui.crowdfunding.services.accounts import campaign_accounts_open, campaign_raised_fen
from puhui.crowdfunding.services.across_platforms import issuer_cap_hold
from puhui.crowdfunding.services.milestones import (
    MilestoneDraft,
    milestones_after_deadline,
    milestones_check,
    milestones_create,
)
from puhui.crowdfunding.services.pledges import BALLOT_SEED_CONTEXT
from puhui.crowdfunding.services.rules import (
    campaign_move_require,
    crowdfunding_rules,
    kind_rule_require,
)
from puhui.lending.schedules import Method
from puhui.parties.models import Enterprise, OperatorDuty, ReviewStatus, User
from puhui.parties.services import checker_may_decide, require_duty
from puhui.rulebook.selectors import rulebook_in_force


@dataclass(frozen=True)
class TierDraft:
    title: str
    description: str
    price: Decimal
    quantity: int | None
    estimated_delivery: date
    ships: bool = False


@dataclass(frozen=True)
class CampaignDraft:
    """What an issuer writes; amounts as Decimals in the platform's currency."""

    kind: str
    funding_model: str
    title: str
    summary: str
    story: str
    risks: str
    use_of_funds: str
    goal: Decimal
    min_pledge: Decimal
    days_open: int
    maximum: Decimal | None = None
    tiers: tuple[TierDraft, ...] = field(default_factory=tuple)
    rate_annual: Decimal | None = None  # debt
    term_months: int | None = None
    repayment_method: str = ""
    pre_money_valuation: Decimal | None = None  # equity
    share_class: str = ""
    price_per_share: Decimal | None = None
    holding: str = ""
    key_people: str = ""
    first_tranche_percent: Decimal = Decimal(100)  # paid at funding; the rest by milestone
    milestones: tuple[MilestoneDraft, ...] = field(default_factory=tuple)
    if_milestone_missed: str = ""
    allocation: str = "first_come"  # or "ballot", for a capped raise without rewards


def _problem(text: StrOrPromise, **facts: object) -> PuhuiError:
    """A draft refused, its problem said in the reader's language (``text`` is lazy)."""
    return PuhuiError(CrowdfundingError.CAMPAIGN_INVALID,
                      problem=format_lazy(text, **facts) if facts else text)


def _draft_check(draft: CampaignDraft, currency: str) -> None:
    """Refuse a draft the rulebook or the kind does not allow, saying what is wrong."""
    rules = crowdfunding_rules()
    kind = kind_rule_require(rules, draft.kind)
    if draft.funding_model not in kind.funding_models:
        raise PuhuiError(CrowdfundingError.FUNDING_MODEL_NOT_ALLOWED,
                         kind=CampaignKind(draft.kind).label,
                         allowed=labels_joined(FundingModel(m).label for m in kind.funding_models),
                         model=FundingModel(draft.funding_model).label)
    if not rules.minimum_days_open <= draft.days_open <= rules.maximum_days_open:
        raise PuhuiError(CrowdfundingError.DAYS_OPEN_OUTSIDE_RULES,
                         minimum=rules.minimum_days_open, maximum=rules.maximum_days_open,
                         days=draft.days_open)
    goal, minimum = money_to_minor(draft.goal, currency), money_to_minor(draft.min_pledge,
                                                                         currency)
    if goal <= 0 or minimum <= 0 or minimum > goal:
        raise _problem(_("the goal and the least pledge must be positive, the pledge at most "
                       "the goal"))
    if draft.maximum is not None and money_to_minor(draft.maximum, currency) < goal:
        raise _problem(_("the maximum may not be below the goal"))
    if not draft.title.strip() or not draft.story.strip() or not draft.risks.strip():
        raise _problem(_("a campaign needs a title, its story and its risks"))
    if draft.kind == CampaignKind.REWARD and not draft.tiers:
        raise _problem(_("a reward campaign offers at least one reward"))
    if draft.kind != CampaignKind.REWARD and draft.tiers:
        raise _problem(_("only reward campaigns offer rewards"))
    for tier in draft.tiers:
        if tier.price <= 0 or (tier.quantity is not None and tier.quantity < 1) or (
                not tier.title.strip()):
            raise _problem(_("each reward has a title, a price above 0 and, when limited, at "
                           "least one unit"))
    if draft.allocation not in Allocation.values or (draft.allocation == Allocation.BALLOT and (
            draft.maximum is None or draft.tiers)):
        raise _problem(_("a ballot shares out a maximum, in money: it needs a maximum and "
                         "no rewards"))
    if draft.kind == CampaignKind.DEBT:
        _debt_check(draft)
        if draft.milestones:
            raise _problem(_("notes are a loan, paid out in full at funding: no milestones"))
    if draft.kind == CampaignKind.EQUITY:
        _equity_check(draft, currency)


def _debt_check(draft: CampaignDraft) -> None:
    pricing = rulebook_in_force().pricing
    rate = draft.rate_annual
    if rate is None or rate <= 0 or (pricing is not None and rate > pricing.annual_rate_ceiling):
        raise _problem(_("a note's annual rate must be above 0 and at most {ceiling}"),
                       ceiling=pricing.annual_rate_ceiling if pricing else "1")
    longest = crowdfunding_rules().note_max_term_months
    if draft.term_months is None or not 1 <= draft.term_months <= longest:
        raise _problem(_("a note's term is 1 to {months} months"), months=longest)
    if draft.repayment_method not in Method.__members__.values():
        raise _problem(_("choose how the note is repaid"))


def _equity_check(draft: CampaignDraft, currency: str) -> None:
    if draft.pre_money_valuation is None or draft.pre_money_valuation <= 0:
        raise _problem(_("an equity round states the company's value before it"))
    price = draft.price_per_share
    if price is None or price <= 0 or not draft.share_class.strip():
        raise _problem(_("an equity round states the share class and the price per share"))
    price_fen = money_to_minor(price, currency)
    for amount in (draft.goal, draft.maximum, draft.min_pledge):
        if amount is not None and money_to_minor(amount, currency) % price_fen:
            raise _problem(_("the goal, the maximum and the least pledge buy whole shares at "
                           "{price}"), price=money_shown(price_fen, currency))
    if draft.holding not in EquityHolding.values:
        raise _problem(_("say whether investors hold through the nominee or directly"))


def _enterprise_of(issuer: User, enterprise: Enterprise) -> Enterprise:
    if enterprise.representative_id != issuer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_CAMPAIGN)
    if enterprise.status != ReviewStatus.APPROVED:
        raise PuhuiError(CrowdfundingError.ENTERPRISE_NOT_ADMITTED)
    return enterprise


@transaction.atomic
def campaign_create(*, issuer: User, enterprise: Enterprise, draft: CampaignDraft,
                    request_id: uuid.UUID | None = None) -> Campaign:
    """A draft campaign with its rewards; ``request_id`` makes a second send answer the first."""
    if request_id is not None:
        existing = Campaign.objects.filter(request_id=request_id).first()
        if existing is not None:
            return sent_before(existing, enterprise_id=enterprise.pk, title=draft.title)
    _enterprise_of(issuer, enterprise)
    book = rulebook_in_force()
    currency = book.rulebook.currency
    _draft_check(draft, currency)
    first_tranche_bp = milestones_check(draft.milestones, draft.first_tranche_percent,
                                        draft.if_milestone_missed)
    fen = lambda amount: money_to_minor(amount, currency)  # noqa: E731
    fen_or_none = lambda amount: fen(amount) if amount is not None else None  # noqa: E731
    campaign = Campaign.objects.create(
        enterprise=enterprise, kind=draft.kind, funding_model=draft.funding_model,
        title=draft.title.strip(), summary=draft.summary.strip(), story=draft.story,
        risks=draft.risks, use_of_funds=draft.use_of_funds, currency=currency,
        goal_fen=fen(draft.goal), maximum_fen=fen_or_none(draft.maximum),
        min_pledge_fen=fen(draft.min_pledge), days_open=draft.days_open,
        rate_annual=draft.rate_annual, term_months=draft.term_months,
        repayment_method=draft.repayment_method,
        pre_money_valuation_fen=fen_or_none(draft.pre_money_valuation),
        share_class=draft.share_class,
        price_per_share_fen=fen_or_none(draft.price_per_share), holding=draft.holding,
        key_people=draft.key_people, first_tranche_bp=first_tranche_bp,
        allocation=draft.allocation,
        if_milestone_missed=draft.if_milestone_missed if draft.milestones else "",
        rulebook_id=book.rulebook.id, rulebook_version=book.rulebook.version,
        request_id=request_id)
    RewardTier.objects.bulk_create([
        RewardTier(campaign=campaign, title=tier.title, description=tier.description,
                   price_fen=money_to_minor(tier.price, currency), quantity=tier.quantity,
                   estimated_delivery=tier.estimated_delivery, ships=tier.ships)
        for tier in draft.tiers])
    milestones_create(campaign, draft.milestones)
    audit_record(actor=issuer, action="campaign.drafted", subject=f"campaign:{campaign.pk}",
                 kind=draft.kind, goal_fen=campaign.goal_fen)
    return campaign


def campaign_locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related(
        "enterprise").get(pk=campaign.pk)


@transaction.atomic
def campaign_submit(*, issuer: User, campaign: Campaign) -> Campaign:
    """The issuer sends the draft for review; the enterprise must still be admitted."""
    campaign = campaign_locked(campaign)
    _enterprise_of(issuer, campaign.enterprise)
    campaign_move_require(campaign, CampaignStatus.IN_REVIEW, _("submitted"))
    kind_rule_require(crowdfunding_rules(), campaign.kind)
    campaign.status = CampaignStatus.IN_REVIEW
    campaign.save(update_fields=["status"])
    audit_record(actor=issuer, action="campaign.submitted", subject=campaign.subject)
    return campaign


@transaction.atomic
def campaign_checks_record(*, campaign: Campaign, checks: list[dict],
                           credit: dict) -> Campaign:
    """The issuer's checks (the registry's report, the credit engine's decision), kept for the
    reviewers; a failed one stops the approval."""
    campaign = campaign_locked(campaign)
    campaign.checks = [*checks, {"rule_id": "credit.decision", "passed": True,
                                 "detail": "", "facts": credit}] if credit else checks
    campaign.save(update_fields=["checks"])
    audit_record(actor=None, action="campaign.issuer_checked", subject=campaign.subject,
                 failed=[c["rule_id"] for c in checks if not c["passed"]])
    return campaign


@transaction.atomic
def campaign_mark_reviewed(*, campaign: Campaign, reviewer: User, note: str = "",
                           send_back: bool = False) -> Campaign:
    """The maker: reviewed (for a second operator to approve), or sent back to the issuer."""
    require_duty(reviewer, OperatorDuty.REVIEWER)
    campaign = campaign_locked(campaign)
    target = CampaignStatus.DRAFT if send_back else CampaignStatus.REVIEWED
    campaign_move_require(campaign, target, _("reviewed"))
    campaign.status, campaign.reviewer, campaign.review_note = target, reviewer, note
    campaign.save(update_fields=["status", "reviewer", "review_note"])
    audit_record(actor=reviewer, action="campaign.sent_back" if send_back else "campaign.reviewed",
                 subject=campaign.subject, note=note)
    return campaign


def _closes_at(deadline: date) -> datetime:
    """The end of the deadline day in the platform's time zone."""
    return timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time.min))


@transaction.atomic
def campaign_decide(*, campaign: Campaign, approver: User, approve: bool, reasons: str,
                    business_date: date | None = None) -> Campaign:
    """The checker: approval puts the campaign online from ``business_date`` for its days
    open (its ledger accounts opened); a rejection says why."""
    require_duty(approver, OperatorDuty.APPROVER)
    campaign = campaign_locked(campaign)
    campaign_move_require(campaign, CampaignStatus.ONLINE if approve else CampaignStatus.REJECTED,
                          _("decided"))
    checker_may_decide(maker_id=campaign.reviewer_id, checker=approver, approve=approve,
                       reasons=reasons)
    failed = [check["rule_id"] for check in campaign.checks if not check["passed"]]
    if approve and failed:
        raise PuhuiError(CrowdfundingError.ISSUER_CHECKS_FAILED, rules=", ".join(failed))
    campaign.approver, campaign.decision_reasons = approver, reasons
    if approve:
        rules = crowdfunding_rules()
        kind_rule_require(rules, campaign.kind)
        today = business_date or business_date_today()
        campaign.launched_on = today
        campaign.deadline = today + timedelta(days=campaign.days_open)
        campaign.closes_at = _closes_at(campaign.deadline)
        milestones_after_deadline(campaign)
        campaign.cap_reserved_fen = issuer_cap_hold(campaign=campaign, rules=rules, today=today)
        if campaign.allocation == Allocation.BALLOT:
            seed = ballot.seed_new()
            campaign.ballot_commitment = ballot.commitment_of(seed)
            campaign.ballot_seed_sealed = pii_encrypt(seed, context=BALLOT_SEED_CONTEXT)
        campaign_accounts_open(campaign)
        campaign.status = CampaignStatus.ONLINE
    else:
        campaign.status = CampaignStatus.REJECTED
    campaign.save()
    notices_campaign_decided(campaign)
    audit_record(actor=approver, action=f"campaign.{'online' if approve else 'rejected'}",
                 subject=campaign.subject, reasons=reasons,
                 deadline=campaign.deadline.isoformat() if campaign.deadline else None)
    return campaign


@transaction.atomic
def campaign_suspend(*, campaign: Campaign, operator: User, reasons: str,
                     resume: bool = False) -> Campaign:
    """An operator stops the raise (no pledges, no close) pending an inquiry, or resumes it."""
    require_duty(operator, OperatorDuty.RISK_OFFICER)
    if not reasons.strip():
        raise _problem(_("say why"))
    campaign = campaign_locked(campaign)
    target = CampaignStatus.ONLINE if resume else CampaignStatus.SUSPENDED
    campaign_move_require(campaign, target, _("resumed") if resume else _("suspended"))
    campaign.status = target
    campaign.save(update_fields=["status"])
    audit_record(actor=operator, action="campaign.resumed" if resume else "campaign.suspended",
                 subject=campaign.subject, reasons=reasons)
    return campaign


@transaction.atomic
def campaign_close_early(*, issuer: User, campaign: Campaign, deadline: date,
                         business_date: date | None = None) -> Campaign:
    """Bring the deadline forward: only once the goal is reached, no earlier than the rulebook's
    days open from the launch, and with its working days of notice to every backer."""
    campaign = campaign_locked(campaign)
    _enterprise_of(issuer, campaign.enterprise)
    if campaign.status != CampaignStatus.ONLINE or campaign.deadline is None or (
            campaign.launched_on is None):
        raise PuhuiError(CrowdfundingError.CAMPAIGN_NOT_IN_STATE,
                         status=CampaignStatus(campaign.status).label, action=_("closed early"))
    rules = crowdfunding_rules()
    today = business_date or business_date_today()
    notice_until = add_working_days(today, rules.early_close_notice_business_days,
                                    Calendar(rules.calendar))
    earliest: date = max(notice_until,
                         campaign.launched_on + timedelta(days=rules.minimum_days_open))
    reason: StrOrPromise = ""
    if campaign_raised_fen(campaign) < campaign.goal_fen:
        reason = _("the goal is not reached yet")
    elif deadline >= campaign.deadline:
        reason = _("the new deadline must come before the current one")
    elif deadline < earliest:
        reason = format_lazy(_("the earliest deadline allowed is {day}"),
                             day=earliest.isoformat())
    if reason:
        raise PuhuiError(CrowdfundingError.EARLY_CLOSE_REFUSED, reason=reason)
    previous = campaign.deadline
    campaign.deadline, campaign.closes_at = deadline, _closes_at(deadline)
    campaign.save(update_fields=["deadline", "closes_at"])
    notices_early_close(campaign, previous, rules.cancellation_hours_before_deadline)
    audit_record(actor=issuer, action="campaign.closing_early", subject=campaign.subject,
                 deadline=deadline.isoformat(), previous=previous.isoformat())
    return campaign
