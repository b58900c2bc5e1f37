"""Reads: campaigns to discover (each with what it has raised and its backers, in the same
query), one campaign as its reader may see it, a backer's pledges, an issuer's campaigns, the
milestones to review and a campaign's milestones with what was paid."""

from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from puhui.core.errors import CoreError, PuhuiError
from puhui.crowdfunding.ballot import ticket_of
from puhui.crowdfunding.models import (
    PLEDGE_BACKING,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Fulfilment,
    Milestone,
    MilestoneStatus,
    Pledge,
    PledgeStatus,
    Shareholding,
)
from puhui.ledger.selectors import account_credits_held
from puhui.parties.models import Role, User

PUBLIC = (CampaignStatus.ONLINE, CampaignStatus.FUNDED, CampaignStatus.FAILED,
          CampaignStatus.CLOSED)
_BACKING = Q(pledges__status__in=PLEDGE_BACKING)


class _Pledged(TypedDict):
    pledged_fen: int  # what the escrow holds now, pending and posted
    backers: int  # backers with a pledge held or collected


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    PledgedCampaign = WithAnnotations[Campaign, _Pledged]


def _with_progress(campaigns: "QuerySet[Campaign]") -> "QuerySet[PledgedCampaign]":
    return campaigns.select_related("enterprise").annotate(
        pledged_fen=account_credits_held(OuterRef("escrow_account_id")),
        backers=Count("pledges__backer", filter=_BACKING, distinct=True))


def campaigns_discover(*, kind: str = "", industry: str = "", region: str = "",
                       status: str = CampaignStatus.ONLINE, text: str = ""
                       ) -> "QuerySet[PledgedCampaign]":
    """Public campaigns as a visitor filters them, soonest deadline first."""
    campaigns = Campaign.objects.filter(status=status if status in PUBLIC
                                        else CampaignStatus.ONLINE)
    if kind:
        campaigns = campaigns.filter(kind=kind)
    if industry:
        campaigns = campaigns.filter(enterprise__industry=industry)
    if region:
        campaigns = campaigns.filter(enterprise__region__icontains=region)
    if text:
        campaigns = campaigns.filter(Q(title__icontains=text) | Q(summary__icontains=text)
                                     | Q(enterprise__name__icontains=text))
    return _with_progress(campaigns).order_by("deadline", "pk")


def campaign_for(*, user: User | None, campaign_id: int) -> "PledgedCampaign":
    """A public campaign for anyone; a draft or one in review only for its issuer's
    representative and the platform's operators and regulators."""
    campaign = _with_progress(Campaign.objects.filter(pk=campaign_id)).first()
    if campaign is None:
        raise PuhuiError(CoreError.NOT_FOUND, what=f"campaign {campaign_id}")
    staff = user is not None and user.role in (Role.OPERATOR, Role.REGULATOR)
    issuer = user is not None and campaign.enterprise.representative_id == user.pk
    if campaign.status not in PUBLIC and campaign.status != CampaignStatus.SUSPENDED and not (
            staff or issuer):
        raise PuhuiError(CoreError.NOT_FOUND, what=f"campaign {campaign_id}")
    return campaign


def campaign_to_pledge(*, campaign_id: int) -> Campaign:
    """The campaign row a pledge books on (no figures read: the hot path); a campaign that is
    not public is not found."""
    campaign = Campaign.objects.filter(pk=campaign_id, status__in=(
        *PUBLIC, CampaignStatus.SUSPENDED)).first()
    if campaign is None:
        raise PuhuiError(CoreError.NOT_FOUND, what=f"campaign {campaign_id}")
    return campaign


def campaigns_of_issuer(*, user: User) -> "QuerySet[PledgedCampaign]":
    return _with_progress(Campaign.objects.filter(enterprise__representative=user)).order_by(
        "-created_at")


def campaigns_to_review() -> "QuerySet[PledgedCampaign]":
    """What operators have to do: campaigns in review or waiting for approval, and suspended
    ones."""
    return _with_progress(Campaign.objects.filter(status__in=(
        CampaignStatus.IN_REVIEW, CampaignStatus.REVIEWED, CampaignStatus.SUSPENDED))
    ).order_by("created_at")


def pledges_of(*, backer: User) -> "QuerySet[Pledge]":
    return Pledge.objects.filter(backer=backer).select_related("campaign", "tier").order_by(
        "-created_at")


def pledge_of(*, backer: User, pledge_id: str) -> Pledge | None:
    """The backer's own pledge (None for anyone else's, or an id that is no pledge's)."""
    try:
        return Pledge.objects.select_related("campaign").filter(pk=pledge_id,
                                                                backer=backer).first()
    except (ValueError, TypeError):
        return None


def backers_named(campaign: Campaign) -> list[str]:
    """The backers who agreed to be named, by their profile's name (once each)."""
    names = (Pledge.objects.filter(campaign=campaign, name_shown=True,
                                   status__in=PLEDGE_BACKING)
             .values_list("backer__investor_profile__full_name", flat=True).distinct())
    return sorted(name for name in names if name)


def milestones_to_review() -> "QuerySet[Milestone]":
    """Milestones whose evidence waits for an operator (review or approval)."""
    return Milestone.objects.filter(status__in=(
        MilestoneStatus.EVIDENCE, MilestoneStatus.REVIEWED)).select_related(
        "campaign", "campaign__enterprise").order_by("evidence_at")


def milestone_on(campaign: Campaign, milestone_id: int) -> Milestone | None:
    return campaign.milestones.filter(pk=milestone_id).first()


def milestones_shown(campaign: Campaign) -> dict[str, object]:
    """A funded campaign's milestones with what was paid and what the escrow still holds."""
    milestones = list(campaign.milestones.order_by("position"))
    paid = sum(m.tranche_fen for m in milestones if m.status == MilestoneStatus.RELEASED)
    refunded = sum(m.tranche_fen for m in milestones if m.status == MilestoneStatus.REFUNDED)
    kept = sum(m.tranche_fen for m in milestones) - paid - refunded
    return {"milestones": milestones, "paid_fen": paid, "refunded_fen": refunded,
            "kept_fen": kept, "first_tranche_percent": Decimal(campaign.first_tranche_bp) / 100}


def ballot_published(campaign: Campaign) -> dict[str, object]:
    """What anyone needs to check a ballot: the commitment, the seed once revealed, and every
    pledge it drew from (id, amount, ticket, what it was allocated), in minor units."""
    drawn = campaign.pledges.filter(status__in=(PledgeStatus.COLLECTED,
                                                PledgeStatus.RELEASED)).order_by("pk")
    seed = campaign.ballot_seed
    return {
        "campaign": campaign.pk, "allocation": campaign.allocation,
        "currency": campaign.currency,
        "maximum": campaign.maximum_fen, "unit": campaign.price_per_share_fen or 1,
        "commitment": campaign.ballot_commitment, "seed": seed or None,
        "rule": "ticket = sha256(seed + ':' + pledge id); lowest ticket first, each in full "
                "while the maximum allows, the first that does not fit gets what is left in "
                "whole units",
        "pledges": [{"id": str(p.pk), "amount": p.amount_fen,
                     "ticket": ticket_of(seed, str(p.pk)), "allocated": p.allocated_fen}
                    for p in drawn] if seed else [],
    }


def holdings_of(*, holder: User) -> "QuerySet[Shareholding]":
    return Shareholding.objects.filter(holder=holder).select_related("campaign").order_by(
        "-issued_on", "pk")


def holding_for(*, user: User, holding_id: int) -> Shareholding:
    """A holding for its holder, and for the platform's operators and regulators."""
    holding = Shareholding.objects.select_related("campaign", "campaign__enterprise").filter(
        pk=holding_id).first()
    if holding is None:
        raise PuhuiError(CoreError.NOT_FOUND, what=f"holding {holding_id}")
    if holding.holder_id != user.pk and user.role not in (Role.OPERATOR, Role.REGULATOR):
        raise PermissionDenied
    return holding


def debt_campaigns_to_lend() -> "QuerySet[Campaign]":
    """Funded debt campaigns whose notes are not a loan yet."""
    return Campaign.objects.filter(kind=CampaignKind.DEBT, status=CampaignStatus.FUNDED,
                                   loan_id__isnull=True).select_related("enterprise")


def pledges_collected(campaign: Campaign) -> "QuerySet[Pledge]":
    return campaign.pledges.filter(status=PledgeStatus.COLLECTED).order_by("created_at", "pk")


def campaign_talk(campaign: Campaign, *, user: User | None) -> dict[str, object]:
    """The updates the reader may see (backers-only ones for backers, the issuer and staff)
    and the backers' comments with the issuer's answers."""
    insider = user is not None and (
        user.role in (Role.OPERATOR, Role.REGULATOR)
        or campaign.enterprise.representative_id == user.pk
        or campaign.pledges.filter(backer=user, status__in=PLEDGE_BACKING).exists())
    updates = campaign.updates.all() if insider else campaign.updates.filter(backers_only=False)
    return {"updates": list(updates[:50]), "insider": insider,
            "comments": list(campaign.comments.select_related(
                "author__investor_profile").all()[:100])}


def fulfilments_of_campaign(campaign: Campaign) -> "QuerySet[Fulfilment]":
    return Fulfilment.objects.filter(pledge__campaign=campaign).select_related(
        "pledge__tier", "pledge__backer__investor_profile").order_by("pledge__tier", "pk")


def raise_by_day(campaign: Campaign) -> list[tuple[str, int]]:
    """What was pledged (held or collected) by the end of each day since launch, in fen: one
    statement sums each day (the platform's time zone), the running total adds them up."""
    days = (campaign.pledges.filter(status__in=PLEDGE_BACKING)
            .annotate(day=TruncDate("created_at")).values("day")
            .annotate(total=Sum("amount_fen")).order_by("day"))
    running, points = 0, []
    for row in days:
        running += row["total"]
        points.append((row["day"].isoformat(), running))
    return points
