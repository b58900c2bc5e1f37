"""Limits across platforms, through the shared registry (``crowdfunding.ports``): part of a
backer's 12-month limit reserved per pledge, an issuer's 12-month cap reserved per campaign
when it goes online; converted at what was collected when the raise succeeds, released when a
pledge is cancelled or the raise fails. Without a registry the limits are this platform's
alone (checked where the pledge or the decision is made)."""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from puhui.core.errors import ErrorCode, PuhuiError
from puhui.core.money import money_shown, money_to_minor
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import Campaign, CampaignStatus, Pledge
from puhui.crowdfunding.ports import (
    LimitAnswer,
    LimitHold,
    LimitPurpose,
    campaign_cap_reference,
    pledge_limit_reference,
)
from puhui.parties.models import InvestorProfile
from puhui.parties.selectors import investor_identity
from puhui.rulebook.schema import Crowdfunding


def _plugin(setting: str) -> Any:
    path = getattr(settings, setting, "")
    return import_string(path) if path else None


# After the deadline the platform says within a close of business what became of a hold; a
# week is time enough for the outbox to reach the registry after an outage.
RESOLVE_WITHIN = timedelta(days=7)


def _hold_expiry(campaign: Campaign) -> datetime | None:
    """A week after the raise closes (or after now, for a date of business in the past)."""
    if campaign.closes_at is None:
        return None
    return max(campaign.closes_at, timezone.now()) + RESOLVE_WITHIN


def _answer_require(answer: LimitAnswer, refused: ErrorCode) -> None:
    if answer.unreachable:
        raise PuhuiError(CrowdfundingError.REGISTRY_UNREACHABLE, reason=answer.unreachable)
    if not answer.held:
        raise PuhuiError(refused, **answer.facts)


def pledge_limit_hold(*, campaign: Campaign, profile: InvestorProfile, pledge_id: uuid.UUID,
                      amount_fen: int, limit_fen: int) -> bool:
    """Reserve the pledge's amount under the backer's limit across platforms; refused when
    other platforms' pledges and investments leave too little. False without a registry."""
    holder = _plugin("PUHUI_CROWDFUNDING_LIMIT_HOLD")
    if holder is None:
        return False
    kind, identity = investor_identity(profile)
    _answer_require(holder(LimitHold(
        LimitPurpose.INVESTMENT, kind, identity, pledge_limit_reference(pledge_id), amount_fen,
        limit_fen, campaign.currency, _hold_expiry(campaign))),
        CrowdfundingError.LIMIT_ACROSS_PLATFORMS)
    return True


def _raised_here_fen(campaign: Campaign, since: date) -> int:
    """What the issuer raised (funded) or is raising (online, at its maximum) on this
    platform in campaigns launched since ``since``, apart from ``campaign``."""
    others = Campaign.objects.filter(enterprise_id=campaign.enterprise_id,
                                     launched_on__gte=since).exclude(pk=campaign.pk)
    funded = others.filter(status__in=(CampaignStatus.FUNDED, CampaignStatus.CLOSED)).aggregate(
        total=Sum("raised_fen"))["total"] or 0
    online = sum(c.maximum_fen or c.goal_fen for c in others.filter(
        Q(status=CampaignStatus.ONLINE) | Q(status=CampaignStatus.SUSPENDED)))
    return int(funded) + online


def issuer_cap_hold(*, campaign: Campaign, rules: Crowdfunding, today: date) -> int:
    """The campaign's maximum raise under the issuer's 12-month cap: on this platform, then
    across platforms at the registry. Returns what the registry holds (0: nothing held)."""
    if rules.issuer_cap_12_months is None:
        return 0
    cap = money_to_minor(rules.issuer_cap_12_months, campaign.currency)
    amount = campaign.maximum_fen or campaign.goal_fen
    here = _raised_here_fen(campaign, today - timedelta(days=365))
    if here + amount > cap:
        shown = lambda fen: money_shown(fen, campaign.currency)  # noqa: E731
        raise PuhuiError(CrowdfundingError.ISSUER_CAP_EXCEEDED, cap=shown(cap), raised=shown(here),
                         left=shown(max(cap - here, 0)))
    holder = _plugin("PUHUI_CROWDFUNDING_LIMIT_HOLD")
    if holder is None:
        return 0
    _answer_require(holder(LimitHold(
        LimitPurpose.RAISE, "enterprise", campaign.enterprise.uscc,
        campaign_cap_reference(campaign.pk), amount, cap, campaign.currency,
        _hold_expiry(campaign))), CrowdfundingError.ISSUER_CAP_ACROSS_PLATFORMS)
    return amount


def pledge_limits_resolve(campaign: Campaign, pledges: Iterable[Pledge], *,
                          collected: bool) -> None:
    """Tell the registry, in this transaction (sent after commit), what became of each
    pledge's reservation: collected at its amount, or released."""
    resolver = _plugin("PUHUI_CROWDFUNDING_LIMIT_RESOLVE")
    if resolver is None:
        return
    for pledge in pledges:
        if pledge.reserved_across_platforms:
            resolver(pledge_limit_reference(pledge.pk),
                     (pledge.allocated_fen or pledge.amount_fen) if collected else 0,
                     campaign.currency)


def pledge_limits_release(campaign: Campaign, pledge_ids: Iterable[uuid.UUID]) -> None:
    """Reservations held for pledges the ledger then refused: free again."""
    resolver = _plugin("PUHUI_CROWDFUNDING_LIMIT_RESOLVE")
    for pledge_id in pledge_ids if resolver is not None else ():
        resolver(pledge_limit_reference(pledge_id), 0, campaign.currency)


def issuer_cap_resolve(campaign: Campaign, collected_fen: int) -> None:
    """The raise ended: what the issuer collected counts under its cap (0: released)."""
    resolver = _plugin("PUHUI_CROWDFUNDING_LIMIT_RESOLVE")
    if resolver is not None and campaign.cap_reserved_fen:
        resolver(campaign_cap_reference(campaign.pk), collected_fen, campaign.currency)
