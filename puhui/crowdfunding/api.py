"""Crowdfunding API: campaigns for anyone signed in, pledges for investors. A pledge joins its
campaign's next batch (group commit, ``services.gathering``); its id is the client's
idempotency key."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from puhui.core.money import money_from_minor
from puhui.crowdfunding import selectors, services
from puhui.crowdfunding.models import Pledge
from puhui.parties.auth import for_roles
from puhui.parties.models import Role, User

if TYPE_CHECKING:
    from puhui.crowdfunding.selectors import PledgedCampaign

router = Router(tags=["crowdfunding"])
Yuan = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]


class TierOut(Schema):
    id: int
    title: str
    price: str
    quantity: int | None
    left: int | None


class MilestoneOut(Schema):
    id: int
    position: int
    title: str
    due_on: date
    share_percent: Decimal
    tranche: str
    status: str
    vote_until: date | None


class CampaignOut(Schema):
    id: int
    issuer: str
    kind: str
    funding_model: str
    title: str
    summary: str
    currency: str
    goal: str
    maximum: str | None
    min_pledge: str
    pledged: str
    backers: int
    status: str
    deadline: date | None
    tiers: list[TierOut]
    first_tranche_percent: Decimal
    milestones: list[MilestoneOut]


class PledgeIn(Schema):
    id: UUID = Field(description="Your idempotency key: a retry with the same id is one pledge.")
    amount: Yuan
    tier_id: int | None = None
    quantity: int = Field(1, ge=1, le=100)
    name_shown: bool = False


class PledgeOut(Schema):
    id: UUID
    campaign_id: int
    amount: str
    tier_id: int | None
    quantity: int
    status: str


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _campaign_out(campaign: "PledgedCampaign", *, tiers: bool = False) -> CampaignOut:
    shown = lambda fen: str(money_from_minor(fen, campaign.currency))  # noqa: E731
    rewards = list(campaign.tiers.all()) if tiers else []
    left = services.tiers_left(rewards)
    return CampaignOut(
        id=campaign.pk, issuer=campaign.enterprise.name, kind=campaign.kind,
        funding_model=campaign.funding_model, title=campaign.title, summary=campaign.summary,
        currency=campaign.currency, goal=shown(campaign.goal_fen),
        maximum=shown(campaign.maximum_fen) if campaign.maximum_fen is not None else None,
        min_pledge=shown(campaign.min_pledge_fen), pledged=shown(campaign.pledged_fen or 0),
        backers=campaign.backers, status=campaign.status, deadline=campaign.deadline,
        tiers=[TierOut(id=tier.pk, title=tier.title, price=shown(tier.price_fen),
                       quantity=tier.quantity, left=left[tier.pk]) for tier in rewards],
        first_tranche_percent=Decimal(campaign.first_tranche_bp) / 100,
        milestones=[MilestoneOut(
            id=m.pk, position=m.position, title=m.title, due_on=m.due_on,
            share_percent=m.share_percent, tranche=shown(m.tranche_fen), status=m.status,
            vote_until=m.vote_until) for m in (campaign.milestones.all() if tiers else [])])


def _pledge_out(pledge: Pledge) -> PledgeOut:
    return PledgeOut(id=pledge.pk, campaign_id=pledge.campaign_id,
                     amount=str(money_from_minor(pledge.amount_fen, pledge.campaign.currency)),
                     tier_id=pledge.tier_id, quantity=pledge.quantity, status=pledge.status)


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns taking pledges")
def campaigns(request: HttpRequest, kind: str = "", industry: str = "",
              region: str = "") -> list[CampaignOut]:
    return [_campaign_out(c) for c in selectors.campaigns_discover(
        kind=kind, industry=industry, region=region)[:200]]


@router.get("/campaigns/{campaign_id}", response=CampaignOut,
            summary="One campaign, with its rewards and the units left")
def campaign_get(request: HttpRequest, campaign_id: int) -> CampaignOut:
    user = request.user if isinstance(request.user, User) else None
    return _campaign_out(selectors.campaign_for(user=user, campaign_id=campaign_id),
                         tiers=True)


@router.post("/campaigns/{campaign_id}/pledges", response={201: PledgeOut},
             auth=for_roles(Role.INVESTOR),
             summary="Pledge (a pending hold on your wallet until the deadline)")
def pledge_place(request: HttpRequest, campaign_id: int, payload: PledgeIn) -> Status[PledgeOut]:
    user = _user(request)
    campaign = selectors.campaign_to_pledge(campaign_id=campaign_id)
    outcome = services.pledge_gathered(campaign=campaign, request=services.PledgeRequest(
        pledge_id=payload.id, backer=user, amount=payload.amount, tier_id=payload.tier_id,
        quantity=payload.quantity, name_shown=payload.name_shown))
    if outcome.error is not None:
        raise outcome.error
    assert outcome.pledge is not None
    return Status(201, _pledge_out(outcome.pledge))


@router.get("/pledges", response=list[PledgeOut], auth=for_roles(Role.INVESTOR),
            summary="Your pledges, newest first")
def pledges_mine(request: HttpRequest) -> list[PledgeOut]:
    return [_pledge_out(p) for p in selectors.pledges_of(backer=_user(request))[:500]]


@router.post("/pledges/{pledge_id}/cancel", response=PledgeOut, auth=for_roles(Role.INVESTOR),
             summary="Cancel a pledge until the cut-off before the deadline")
def pledge_cancel(request: HttpRequest, pledge_id: UUID) -> PledgeOut:
    user = _user(request)
    pledge = selectors.pledge_of(backer=user, pledge_id=str(pledge_id))
    if pledge is None:
        raise PermissionDenied
    return _pledge_out(services.pledge_cancel(backer=user, pledge=pledge))


class VoteIn(Schema):
    release: bool = Field(description="True: release the tranche; false: refund the rest.")


@router.post("/pledges/{pledge_id}/reconfirm", response=PledgeOut,
             auth=for_roles(Role.INVESTOR),
             summary="Keep a pledge after a material change, within the days allowed")
def pledge_reconfirm(request: HttpRequest, pledge_id: UUID) -> PledgeOut:
    user = _user(request)
    pledge = selectors.pledge_of(backer=user, pledge_id=str(pledge_id))
    if pledge is None:
        raise PermissionDenied
    return _pledge_out(services.pledge_reconfirm(backer=user, pledge=pledge))


@router.post("/campaigns/{campaign_id}/milestones/{milestone_id}/votes", response={201: dict},
             auth=for_roles(Role.INVESTOR),
             summary="Vote on a missed milestone (weighted by what you put in)")
def milestone_vote(request: HttpRequest, campaign_id: int, milestone_id: int,
                   payload: VoteIn) -> Status[dict]:
    user = _user(request)
    milestone = selectors.milestone_on(
        selectors.campaign_for(user=user, campaign_id=campaign_id), milestone_id)
    if milestone is None:
        raise PermissionDenied
    vote = services.milestone_vote(backer=user, milestone=milestone, release=payload.release)
    return Status(201, {"milestone_id": milestone.pk, "release": vote.release,
                        "weight": str(money_from_minor(vote.weight_fen,
                                                       milestone.campaign.currency))})
