"""What a backer does before pledging — reads the risks of a kind of campaign, declares the
figures the investment limits and the qualified-investor test read — and whether a backer may
pledge: the checks a batch of pledges runs on the tallies it reads once."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy

from puhui.audit.services import audit_record
from puhui.core.errors import PuhuiError
from puhui.core.money import money_shown
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.limits import investor_limit_fen, qualified_by
from puhui.crowdfunding.models import (
    PLEDGE_BACKING,
    PLEDGE_LIVE,
    BackerStanding,
    Campaign,
    CampaignKind,
    Pledge,
    RiskAcknowledgement,
)
from puhui.parties.models import InvestorKind, InvestorProfile, ReviewStatus, Role, User
from puhui.rulebook.schema import Crowdfunding


@transaction.atomic
def risks_acknowledge(*, backer: User, kind: str) -> None:
    """The backer read the risks of ``kind`` campaigns; asked once, before the first pledge."""
    _, made = RiskAcknowledgement.objects.get_or_create(backer=backer, kind=kind)
    if made:
        audit_record(actor=backer, action="crowdfunding.risks_acknowledged",
                     subject=backer.ledger_owner, kind=kind)


@transaction.atomic
def standing_declare(*, backer: User, accredited: bool, financial_assets: Decimal,
                     average_income_3_years: Decimal) -> BackerStanding:
    """What the backer declares for the limits and the qualified-investor test."""
    if financial_assets < 0 or average_income_3_years < 0:
        raise PuhuiError(CrowdfundingError.CAMPAIGN_INVALID, problem=gettext_lazy(
            "financial assets and income cannot be negative"))
    standing, _ = BackerStanding.objects.update_or_create(backer=backer, defaults={
        "accredited": accredited, "financial_assets_yuan": financial_assets,
        "average_income_3_years_yuan": average_income_3_years})
    audit_record(actor=backer, action="crowdfunding.standing_declared",
                 subject=backer.ledger_owner, accredited=accredited)
    return standing


@dataclass
class BackerTallies:
    """What the checks of one batch read, loaded once under the campaign lock and kept up to
    date as the batch's pledges are accepted."""

    profiles: dict[int, InvestorProfile]
    standings: dict[int, BackerStanding]
    acknowledged: set[int]
    in_campaign: Counter[int]  # fen each backer holds in this campaign
    used_12_months: Counter[int]  # fen each backer holds in counted kinds over 12 months
    other_backers: int  # backers holding a pledge in this campaign, outside this batch

    def backers(self) -> int:
        return self.other_backers + len(+self.in_campaign)


def backer_tallies(campaign: Campaign, backers: set[int], rules: Crowdfunding, now: datetime
             ) -> BackerTallies:
    """Read once per batch, each a query over this batch's backers (the campaign's number of
    backers only when the kind caps it)."""
    kind = rules.kind(campaign.kind)
    held = Pledge.objects.filter(campaign=campaign, status__in=PLEDGE_LIVE)
    in_campaign = Counter({row["backer_id"]: row["total"] for row in held.filter(
        backer_id__in=backers).values("backer_id").annotate(total=Sum("amount_fen"))})
    used: Counter[int] = Counter()
    if kind.counts_toward_investor_limit:
        counted = [name for name in ("donation", "reward", "debt", "equity")
                   if rules.kind(name).counts_toward_investor_limit]
        used = Counter({row["backer_id"]: row["total"] for row in Pledge.objects.filter(
            backer_id__in=backers, campaign__kind__in=counted,
            status__in=PLEDGE_BACKING,
            created_at__gte=now - timedelta(days=365)).values("backer_id").annotate(
            total=Sum("amount_fen"))})
    others = 0
    if kind.max_backers is not None:
        others = held.exclude(backer_id__in=backers).values("backer_id").distinct().count()
    return BackerTallies(
        profiles=InvestorProfile.objects.in_bulk(backers, field_name="user_id"),
        standings=BackerStanding.objects.in_bulk(backers, field_name="backer_id"),
        acknowledged=set(RiskAcknowledgement.objects.filter(
            backer_id__in=backers, kind=campaign.kind).values_list("backer_id", flat=True)),
        in_campaign=in_campaign, used_12_months=used, other_backers=others)


def backer_may_pledge(campaign: Campaign, rules: Crowdfunding, tallies: BackerTallies,
                       backer: User, amount_fen: int) -> int | None:
    """Admittance, suitability, the risks read, who the kind is for, the campaign's number of
    backers and the backer's 12-month limit on this platform; returns that limit (None when
    none applies), which the registry checks across platforms."""
    kind = rules.kind(campaign.kind)
    profile = tallies.profiles.get(backer.pk)
    if backer.role != Role.INVESTOR or profile is None or profile.status != ReviewStatus.APPROVED:
        raise PuhuiError(CrowdfundingError.BACKER_NOT_ADMITTED)
    if profile.max_product_risk < kind.product_risk:
        raise PuhuiError(CrowdfundingError.KIND_NOT_SUITABLE,
                         kind=CampaignKind(campaign.kind).label, risk=kind.product_risk,
                         allowed=profile.max_product_risk)
    if backer.pk not in tallies.acknowledged:
        raise PuhuiError(CrowdfundingError.RISKS_NOT_ACKNOWLEDGED,
                         kind=CampaignKind(campaign.kind).label)
    standing = tallies.standings.get(backer.pk) or BackerStanding(backer=backer)
    already = tallies.in_campaign[backer.pk]
    if kind.backers == "qualified" and rules.qualified_investors is not None and not qualified_by(
        rules.qualified_investors, institution=profile.kind == InvestorKind.INSTITUTION,
        net_worth=profile.net_worth_yuan, financial_assets=standing.financial_assets_yuan,
        average_income_3_years=standing.average_income_3_years_yuan,
        pledged_in_campaign=Decimal(already + amount_fen).scaleb(-2),
    ):
        raise PuhuiError(CrowdfundingError.QUALIFIED_INVESTORS_ONLY,
                         rule=rules.qualified_investors.source)
    if kind.max_backers is not None and not already and (
            tallies.backers() >= kind.max_backers):
        raise PuhuiError(CrowdfundingError.BACKERS_FULL, maximum=kind.max_backers)
    if kind.counts_toward_investor_limit and rules.investor_limits is not None:
        limit = investor_limit_fen(rules.investor_limits, income=profile.declared_income_yuan,
                                   net_worth=profile.net_worth_yuan,
                                   accredited=standing.accredited, currency=campaign.currency)
        used = tallies.used_12_months[backer.pk]
        if limit is not None and used + amount_fen > limit:
            shown = lambda fen: money_shown(fen, campaign.currency)  # noqa: E731
            raise PuhuiError(CrowdfundingError.INVESTOR_LIMIT_EXCEEDED, limit=shown(limit),
                             used=shown(used), left=shown(max(limit - used, 0)))
        return limit
    return None
