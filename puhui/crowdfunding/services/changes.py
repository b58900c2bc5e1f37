"""Material changes to an online campaign (Reg CF 227.304(c)): the issuer changes the goal, the
terms, the use of funds or the key people; every backer holding a pledge is told and must
reconfirm within the rulebook's business days, or the pledge lapses and its money is free
again. A pledge waiting for its reconfirmation when the raise ends does not count."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.core.money import money_to_minor
from puhui.core.workdays import Calendar, add_working_days
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import (
    Campaign,
    CampaignChange,
    CampaignKind,
    CampaignStatus,
    Pledge,
    PledgeStatus,
)
from puhui.crowdfunding.notices import notices_material_change
from puhui.crowdfunding.services.across_platforms import pledge_limits_resolve
from puhui.crowdfunding.services.pledges import pledges_resolve
from puhui.crowdfunding.services.rules import crowdfunding_rules
from puhui.parties.models import User


@dataclass(frozen=True)
class MaterialChange:
    """What changes; ``None`` leaves a field as it is."""

    summary: str  # what changed and why, in the issuer's words, sent to every backer
    goal: Decimal | None = None
    use_of_funds: str | None = None
    key_people: str | None = None
    risks: str | None = None
    rate_annual: Decimal | None = None  # debt
    term_months: int | None = None


def _new_values(campaign: Campaign, change: MaterialChange) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if change.goal is not None:
        goal = money_to_minor(change.goal, campaign.currency)
        if goal < campaign.min_pledge_fen or (
                campaign.maximum_fen is not None and goal > campaign.maximum_fen):
            raise PuhuiError(CrowdfundingError.CAMPAIGN_INVALID, problem=_(
                "the goal stays between the least pledge and the maximum"))
        values["goal_fen"] = goal
    for name in ("use_of_funds", "key_people", "risks"):
        text = getattr(change, name)
        if text is not None:
            values[name] = text.strip()
    if campaign.kind == CampaignKind.DEBT:
        if change.rate_annual is not None:
            values["rate_annual"] = change.rate_annual
        if change.term_months is not None:
            values["term_months"] = change.term_months
    return {name: value for name, value in values.items() if getattr(campaign, name) != value}


@transaction.atomic
def campaign_change(*, issuer: User, campaign: Campaign, change: MaterialChange,
                    business_date: date | None = None) -> CampaignChange:
    """Change an online campaign's terms; every live pledge waits for its backer's
    reconfirmation until the rulebook's business days from today."""
    today = business_date or business_date_today()
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related(
        "enterprise").get(pk=campaign.pk)
    if campaign.enterprise.representative_id != issuer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_CAMPAIGN)
    if campaign.status != CampaignStatus.ONLINE:
        raise PuhuiError(CrowdfundingError.CAMPAIGN_NOT_IN_STATE,
                         status=CampaignStatus(campaign.status).label, action=_("changed"))
    values = _new_values(campaign, change)
    if not values or not change.summary.strip():
        raise PuhuiError(CrowdfundingError.CAMPAIGN_INVALID, problem=_(
            "a material change changes at least one term and says what and why"))
    rules = crowdfunding_rules()
    reconfirm_by = add_working_days(today, rules.reconfirmation_business_days,
                                    Calendar(rules.calendar))
    record = CampaignChange.objects.create(
        campaign=campaign, summary=change.summary.strip(), changed_on=today,
        reconfirm_by=reconfirm_by,
        fields={name: [str(getattr(campaign, name)), str(value)] for name, value in values.items()})
    for name, value in values.items():
        setattr(campaign, name, value)
    campaign.save(update_fields=list(values))
    waiting = list(Pledge.objects.filter(campaign=campaign, status__in=(
        PledgeStatus.PENDING, PledgeStatus.RECONFIRM)))
    Pledge.objects.filter(pk__in=[p.pk for p in waiting]).update(
        status=PledgeStatus.RECONFIRM, reconfirm_by=reconfirm_by)
    notices_material_change(campaign, record, {p.backer_id for p in waiting})
    audit_record(actor=issuer, action="campaign.changed", subject=campaign.subject,
                 fields=record.fields, reconfirm_by=reconfirm_by.isoformat(),
                 pledges=len(waiting))
    return record


@transaction.atomic
def pledge_reconfirm(*, backer: User, pledge: Pledge, business_date: date | None = None
                     ) -> Pledge:
    """The backer keeps the pledge under the changed terms. A second reconfirmation changes
    nothing; after the day it was due, the pledge has lapsed."""
    today = business_date or business_date_today()
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.backer_id != backer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_PLEDGE)
    if pledge.status == PledgeStatus.PENDING:
        return pledge
    if pledge.status != PledgeStatus.RECONFIRM or (
            pledge.reconfirm_by is not None and today > pledge.reconfirm_by):
        raise PuhuiError(CrowdfundingError.PLEDGE_NOT_RECONFIRMABLE)
    pledge.status = PledgeStatus.PENDING
    pledge.save(update_fields=["status"])
    audit_record(actor=backer, action="pledge.reconfirmed",
                 subject=f"campaign:{pledge.campaign_id}", pledge=str(pledge.pk))
    return pledge


def pledges_lapse_due(*, business_date: date) -> int:
    """Close of business: pledges whose reconfirmation was due before ``business_date`` lapse,
    their money free again. Returns how many."""
    lapsed = 0
    due = Pledge.objects.filter(status=PledgeStatus.RECONFIRM, reconfirm_by__lt=business_date)
    for campaign_id in sorted(set(due.values_list("campaign_id", flat=True))):
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign_id)
            pledges = list(due.select_for_update().filter(campaign=campaign))
            pledges_resolve(pledges, post=False)
            pledge_limits_resolve(campaign, pledges, collected=False)
            Pledge.objects.filter(pk__in=[p.pk for p in pledges]).update(
                status=PledgeStatus.LAPSED)
            audit_record(actor=None, action="pledges.lapsed", subject=campaign.subject,
                         pledges=len(pledges), business_date=business_date.isoformat())
            lapsed += len(pledges)
    return lapsed
