"""Milestone tranches: a funded campaign's money, after the fee, is split into a first tranche
paid at funding and one tranche per milestone (``money_split``: the parts add back exactly),
kept in the campaign's escrow at the custodian until an operator approves the evidence that
the milestone is met (maker-checker). A milestone not approved by its date is missed: the
campaign's terms say whether backers vote (release the tranche, or refund the rest) or the
rest is refunded to them pro rata at once.

The mechanism needs only an escrow account, a payee's account and the tranche amounts, so the
fund-use tracking of loans can hold a loan's money the same way."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.core.money import money_split
from puhui.core.workdays import Calendar, add_working_days
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import (
    MILESTONE_MOVES,
    Campaign,
    CampaignStatus,
    Milestone,
    MilestoneMissed,
    MilestoneStatus,
    MilestoneVote,
    Pledge,
    PledgeStatus,
)
from puhui.crowdfunding.notices import notices_milestone
from puhui.crowdfunding.ports import CrowdfundingCode, crowdfunding_transfer_id
from puhui.crowdfunding.services.pledges import backer_wallets
from puhui.crowdfunding.services.rules import crowdfunding_rules
from puhui.custody.ports import CustodyAccount
from puhui.ledger.services import NewTransfer, account_for, transfers_create, transfers_require
from puhui.parties.models import OperatorDuty, User
from puhui.parties.services import checker_may_decide, require_duty

ALL_BP = 10_000
OPEN = (MilestoneStatus.PLANNED, MilestoneStatus.EVIDENCE, MilestoneStatus.REVIEWED)


@dataclass(frozen=True)
class MilestoneDraft:
    title: str
    description: str
    due_on: date
    share_percent: Decimal  # of what is raised after the fee


def _invalid(problem: object) -> PuhuiError:
    return PuhuiError(CrowdfundingError.CAMPAIGN_INVALID, problem=problem)


def _bp(percent: Decimal, *, least: int = 1) -> int:
    bp = percent * 100
    if bp != bp.to_integral_value() or not least <= bp <= ALL_BP:
        raise _invalid(_("each share is above 0 % and at most 100 %, to two decimals"))
    return int(bp)


def milestones_check(drafts: tuple[MilestoneDraft, ...], first_tranche_percent: Decimal,
                     if_missed: str) -> int:
    """The first tranche in basis points; the shares must add up to 100 % and the milestones
    fall due one after another."""
    first = _bp(first_tranche_percent, least=0)  # all may wait for the milestones
    if not drafts:
        if first != ALL_BP:
            raise _invalid(_("without milestones, everything is paid at funding (100 %)"))
        return first
    if sum(_bp(d.share_percent) for d in drafts) + first != ALL_BP:
        raise _invalid(_("the first tranche and the milestones' shares must add up to 100 %"))
    if any(not d.title.strip() or not d.description.strip() for d in drafts):
        raise _invalid(_("each milestone has a title and says what evidence will show it met"))
    if any(later.due_on <= earlier.due_on for earlier, later in pairwise(drafts)):
        raise _invalid(_("milestones fall due one after another"))
    if if_missed not in MilestoneMissed.values:
        raise _invalid(_("say what happens when a milestone is missed: a vote or a refund"))
    return first


def milestones_create(campaign: Campaign, drafts: tuple[MilestoneDraft, ...]) -> None:
    Milestone.objects.bulk_create([
        Milestone(campaign=campaign, position=number, title=d.title.strip(),
                  description=d.description, due_on=d.due_on, share_bp=_bp(d.share_percent))
        for number, d in enumerate(drafts, start=1)])


def milestones_after_deadline(campaign: Campaign) -> None:
    """Going online: every milestone falls due after the raise ends."""
    first = campaign.milestones.order_by("due_on").first()
    if first is not None and campaign.deadline is not None and first.due_on <= campaign.deadline:
        raise _invalid(format_lazy(_("a milestone falls due before the raise ends on {deadline}"),
                                   deadline=campaign.deadline.isoformat()))


def tranches_split(campaign: Campaign, net_fen: int) -> int:
    """At funding: each milestone's tranche of what is left after the fee; returns the first
    tranche, paid at once."""
    milestones = list(campaign.milestones.order_by("position"))
    parts = money_split(net_fen, [campaign.first_tranche_bp, *(m.share_bp for m in milestones)])
    for milestone, part in zip(milestones, parts[1:], strict=True):
        milestone.tranche_fen = part
    Milestone.objects.bulk_update(milestones, ["tranche_fen"])
    return parts[0]


def _locked(milestone: Milestone) -> tuple[Campaign, Milestone]:
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related(
        "enterprise").get(pk=milestone.campaign_id)
    return campaign, Milestone.objects.select_for_update().get(pk=milestone.pk)


def _move(milestone: Milestone, target: str) -> None:
    if not MILESTONE_MOVES.allows(milestone.status, target):
        raise PuhuiError(CrowdfundingError.MILESTONE_NOT_IN_STATE,
                         status=MilestoneStatus(milestone.status).label)
    milestone.status = target


@transaction.atomic
def milestone_evidence_send(*, issuer: User, milestone: Milestone, evidence: str) -> Milestone:
    """The issuer shows the milestone is met; milestones are proved in order."""
    campaign, milestone = _locked(milestone)
    if campaign.enterprise.representative_id != issuer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_CAMPAIGN)
    if not evidence.strip():
        raise _invalid(_("say what shows the milestone is met"))
    earlier_open = campaign.milestones.filter(position__lt=milestone.position).exclude(
        status=MilestoneStatus.RELEASED).exists()
    if campaign.status != CampaignStatus.FUNDED or earlier_open:
        raise PuhuiError(CrowdfundingError.MILESTONE_NOT_IN_STATE,
                         status=MilestoneStatus(milestone.status).label)
    _move(milestone, MilestoneStatus.EVIDENCE)
    milestone.evidence, milestone.evidence_at = evidence.strip(), timezone.now()
    milestone.save(update_fields=["status", "evidence", "evidence_at"])
    audit_record(actor=issuer, action="milestone.evidence_sent", subject=campaign.subject,
                 milestone=milestone.position)
    return milestone


@transaction.atomic
def milestone_mark_reviewed(*, reviewer: User, milestone: Milestone, note: str = "",
                            send_back: bool = False) -> Milestone:
    """The maker: the evidence holds (for a second operator to approve), or goes back."""
    require_duty(reviewer, OperatorDuty.REVIEWER)
    campaign, milestone = _locked(milestone)
    if milestone.status != MilestoneStatus.EVIDENCE:
        raise PuhuiError(CrowdfundingError.MILESTONE_NOT_IN_STATE,
                         status=MilestoneStatus(milestone.status).label)
    _move(milestone, MilestoneStatus.PLANNED if send_back else MilestoneStatus.REVIEWED)
    milestone.reviewer, milestone.review_note = reviewer, note
    milestone.save(update_fields=["status", "reviewer", "review_note"])
    audit_record(actor=reviewer, action="milestone.sent_back" if send_back
                 else "milestone.reviewed", subject=campaign.subject,
                 milestone=milestone.position, note=note)
    return milestone


def _tranche_pay(campaign: Campaign, milestone: Milestone) -> None:
    issuer = account_for(kind=CustodyAccount.BORROWER_WALLET,
                         owner=f"enterprise:{campaign.enterprise_id}", currency=campaign.currency,
                         debits_must_not_exceed_credits=True)
    if milestone.tranche_fen:
        transfers_require(transfers_create([NewTransfer(
            id=crowdfunding_transfer_id("tranche", milestone.pk),
            debit_account_id=campaign.escrow_account_id or 0, credit_account_id=issuer.id,
            amount=milestone.tranche_fen, currency=campaign.currency,
            code=CrowdfundingCode.TRANCHE_RELEASE, reference=campaign.subject)]),
            what="a milestone's tranche")


def _released(campaign: Campaign, milestone: Milestone, today: date) -> None:
    _move(milestone, MilestoneStatus.RELEASED)
    _tranche_pay(campaign, milestone)
    milestone.resolved_on = today
    milestone.save()
    _close_when_done(campaign)
    notices_milestone(campaign, milestone)


@transaction.atomic
def milestone_decide(*, approver: User, milestone: Milestone, approve: bool, reasons: str,
                     business_date: date | None = None) -> Milestone:
    """The checker: approval pays the milestone's tranche from the escrow to the issuer; a
    refusal sends the evidence back, saying why."""
    require_duty(approver, OperatorDuty.APPROVER)
    campaign, milestone = _locked(milestone)
    if milestone.status != MilestoneStatus.REVIEWED:
        raise PuhuiError(CrowdfundingError.MILESTONE_NOT_IN_STATE,
                         status=MilestoneStatus(milestone.status).label)
    checker_may_decide(maker_id=milestone.reviewer_id, checker=approver, approve=approve,
                       reasons=reasons)
    milestone.approver = approver
    if approve:
        _released(campaign, milestone, business_date or business_date_today())
    else:
        _move(milestone, MilestoneStatus.PLANNED)
        milestone.review_note = reasons
        milestone.save(update_fields=["status", "approver", "review_note"])
    audit_record(actor=approver, action="milestone.released" if approve else "milestone.refused",
                 subject=campaign.subject, milestone=milestone.position,
                 tranche_fen=milestone.tranche_fen, reasons=reasons)
    return milestone


def _close_when_done(campaign: Campaign) -> None:
    if not campaign.milestones.filter(status__in=(*OPEN, MilestoneStatus.VOTING)).exists():
        campaign.status = CampaignStatus.CLOSED
        campaign.save(update_fields=["status"])


def backers_collected(campaign: Campaign) -> Counter[int]:
    """What each backer put into the funded campaign (fen), the weights of refunds and votes."""
    return Counter({row["backer_id"]: row["total"] for row in Pledge.objects.filter(
        campaign=campaign, status=PledgeStatus.COLLECTED).values("backer_id").annotate(
        total=Sum("amount_fen"))})


def _rest_refund(campaign: Campaign, milestone: Milestone, today: date) -> None:
    """Every tranche not paid goes back to the backers in proportion to what they put in."""
    rest = list(campaign.milestones.filter(position__gte=milestone.position).exclude(
        status__in=(MilestoneStatus.RELEASED, MilestoneStatus.REFUNDED)).select_for_update())
    weights = backers_collected(campaign)
    backers = sorted(weights)
    parts = money_split(sum(m.tranche_fen for m in rest), [weights[b] for b in backers])
    wallets = backer_wallets(set(backers), campaign.currency)
    refunds = [NewTransfer(
        id=crowdfunding_transfer_id("refund", milestone.pk, backer), amount=part,
        debit_account_id=campaign.escrow_account_id or 0, credit_account_id=wallets[backer],
        currency=campaign.currency, code=CrowdfundingCode.CAMPAIGN_REFUND,
        reference=campaign.subject) for backer, part in zip(backers, parts, strict=True) if part]
    if refunds:
        transfers_require(transfers_create(refunds), what="a missed milestone's refund")
    for later in rest:
        _move(later, MilestoneStatus.REFUNDED)
        later.resolved_on = today
        later.save(update_fields=["status", "resolved_on"])
    _close_when_done(campaign)
    milestone.refresh_from_db()
    notices_milestone(campaign, milestone)


@transaction.atomic
def _missed(milestone: Milestone, today: date) -> None:
    campaign, milestone = _locked(milestone)
    if milestone.status not in OPEN:
        return
    if campaign.if_milestone_missed == MilestoneMissed.VOTE:
        rules = crowdfunding_rules()
        _move(milestone, MilestoneStatus.VOTING)
        milestone.vote_until = add_working_days(today, rules.milestone_vote_business_days,
                                                Calendar(rules.calendar))
        milestone.save(update_fields=["status", "vote_until"])
        notices_milestone(campaign, milestone)
    else:
        _rest_refund(campaign, milestone, today)
    audit_record(actor=None, action="milestone.missed", subject=campaign.subject,
                 milestone=milestone.position, business_date=today.isoformat())


@transaction.atomic
def _vote_count(milestone: Milestone, today: date) -> None:
    """More weight for release than for refund releases the tranche; otherwise (a tie, or
    nobody voting) the rest is refunded."""
    campaign, milestone = _locked(milestone)
    if milestone.status != MilestoneStatus.VOTING:
        return
    votes = {True: 0, False: 0}
    for release, weight in milestone.votes.values_list("release", "weight_fen"):
        votes[release] += weight
    if votes[True] > votes[False]:
        _released(campaign, milestone, today)
    else:
        _rest_refund(campaign, milestone, today)
    audit_record(actor=None, action="milestone.vote_counted", subject=campaign.subject,
                 milestone=milestone.position, release_fen=votes[True], refund_fen=votes[False])


def milestones_due(*, business_date: date) -> int:
    """Close of business: milestones past their date without approval are missed; votes whose
    time is up are counted. Returns how many milestones moved."""
    missed = Milestone.objects.filter(status__in=OPEN, due_on__lt=business_date,
                                      campaign__status=CampaignStatus.FUNDED)
    counted = Milestone.objects.filter(status=MilestoneStatus.VOTING,
                                       vote_until__lt=business_date)
    moved = 0
    for milestone in missed.order_by("campaign_id", "position"):
        _missed(milestone, business_date)
        moved += 1
    for milestone in counted.order_by("pk"):
        _vote_count(milestone, business_date)
        moved += 1
    return moved


@transaction.atomic
def milestone_vote(*, backer: User, milestone: Milestone, release: bool,
                   business_date: date | None = None) -> MilestoneVote:
    """A backer's vote on a missed milestone, weighted by what they put in; voting again
    changes the vote."""
    today = business_date or business_date_today()
    campaign, milestone = _locked(milestone)
    if milestone.status != MilestoneStatus.VOTING or (
            milestone.vote_until is not None and today > milestone.vote_until):
        raise PuhuiError(CrowdfundingError.MILESTONE_NOT_IN_STATE,
                         status=MilestoneStatus(milestone.status).label)
    weight = backers_collected(campaign)[backer.pk]
    if not weight:
        raise PuhuiError(CrowdfundingError.NOT_A_BACKER)
    vote, _made = MilestoneVote.objects.update_or_create(
        milestone=milestone, backer=backer, defaults={"release": release, "weight_fen": weight})
    audit_record(actor=backer, action="milestone.voted", subject=campaign.subject,
                 milestone=milestone.position, release=release)
    return vote
