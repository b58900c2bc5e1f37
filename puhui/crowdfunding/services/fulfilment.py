"""Rewards after a funded campaign: one fulfilment per reward pledge, waiting for the backer's
shipping address when the reward ships (sealed, shown masked) and the answer to the issuer's
survey; the issuer moves it along (prepared, shipped with its tracking, delivered) and, when a
reward will be late, tells its backers the new date."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from puhui.audit.services import audit_record
from puhui.core.errors import PuhuiError
from puhui.core.pii import pii_encrypt, pii_mask
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import (
    Fulfilment,
    FulfilmentStatus,
    Pledge,
    RewardTier,
)
from puhui.crowdfunding.notices import notices_reward_late
from puhui.parties.models import User

ADDRESS_CONTEXT = "crowdfunding.shipping_address"
_NEXT: dict[str, tuple[str, ...]] = {
    FulfilmentStatus.PREPARING: (FulfilmentStatus.SHIPPED,),
    FulfilmentStatus.SHIPPED: (FulfilmentStatus.DELIVERED,)}


def fulfilments_open(collected: list[Pledge]) -> None:
    """At funding: each reward pledge's fulfilment, waiting for an address when it ships."""
    Fulfilment.objects.bulk_create([
        Fulfilment(pledge=p, expected_on=p.tier.estimated_delivery,
                   status=FulfilmentStatus.ADDRESS_NEEDED if p.tier.ships
                   else FulfilmentStatus.PREPARING)
        for p in collected if p.tier is not None], ignore_conflicts=True)


@transaction.atomic
def fulfilment_address(*, backer: User, fulfilment: Fulfilment, address: str,
                       survey_answer: str = "") -> Fulfilment:
    fulfilment = Fulfilment.objects.select_for_update().select_related("pledge").get(
        pk=fulfilment.pk)
    if fulfilment.pledge.backer_id != backer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_PLEDGE)
    if fulfilment.status not in (FulfilmentStatus.ADDRESS_NEEDED, FulfilmentStatus.PREPARING):
        raise PuhuiError(CrowdfundingError.REWARD_ON_ITS_WAY)
    if len(address.strip()) < 8:
        raise PuhuiError(CrowdfundingError.CAMPAIGN_INVALID,
                         problem=_("give the full shipping address"))
    fulfilment.address_sealed = pii_encrypt(address.strip(), context=ADDRESS_CONTEXT)
    fulfilment.address_masked = pii_mask(address.strip(), keep_start=6, keep_end=0)[:60]
    fulfilment.survey_answer = survey_answer.strip()
    fulfilment.status = FulfilmentStatus.PREPARING
    fulfilment.save()
    audit_record(actor=backer, action="reward.address_given",
                 subject=f"campaign:{fulfilment.pledge.campaign_id}", fulfilment=fulfilment.pk)
    return fulfilment


@transaction.atomic
def fulfilment_move(*, issuer: User, fulfilment: Fulfilment, status: str,
                    tracking: str = "") -> Fulfilment:
    """The issuer: prepared → shipped (with its tracking) → delivered, one step at a time."""
    fulfilment = Fulfilment.objects.select_for_update().select_related(
        "pledge__campaign__enterprise").get(pk=fulfilment.pk)
    if fulfilment.pledge.campaign.enterprise.representative_id != issuer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_CAMPAIGN)
    if status not in _NEXT.get(fulfilment.status, ()):
        raise PuhuiError(CrowdfundingError.FULFILMENT_OUT_OF_ORDER,
                         status=FulfilmentStatus(fulfilment.status).label)
    fulfilment.status, fulfilment.tracking = status, tracking.strip() or fulfilment.tracking
    fulfilment.save(update_fields=["status", "tracking", "updated_at"])
    audit_record(actor=issuer, action=f"reward.{status}",
                 subject=f"campaign:{fulfilment.pledge.campaign_id}", fulfilment=fulfilment.pk)
    return fulfilment


@transaction.atomic
def reward_late(*, issuer: User, tier: RewardTier, new_date: date, reason: str) -> int:
    """The issuer tells the reward's backers it will be late; returns how many were told."""
    tier = RewardTier.objects.select_related("campaign__enterprise").get(pk=tier.pk)
    if tier.campaign.enterprise.representative_id != issuer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_CAMPAIGN)
    waiting = Fulfilment.objects.filter(pledge__tier=tier).exclude(
        status=FulfilmentStatus.DELIVERED).select_related("pledge")
    if not reason.strip() or any(new_date <= f.expected_on for f in waiting):
        raise PuhuiError(CrowdfundingError.CAMPAIGN_INVALID, problem=_(
            "a late notice gives a later date and says why"))
    told = list(waiting)
    waiting.update(expected_on=new_date)
    notices_reward_late(tier, new_date, reason.strip(), {f.pledge.backer_id for f in told})
    audit_record(actor=issuer, action="reward.late", subject=tier.campaign.subject,
                 tier=tier.pk, new_date=new_date.isoformat(), backers=len(told))
    return len(told)
