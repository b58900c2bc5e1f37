"""A campaign's ledger accounts: the escrow at the custodian, the capacity that holds exactly
the maximum (first come, first served; a ballot takes every pledge and shares the maximum out
at the deadline), and each limited tier's stock of units."""

from collections.abc import Iterable

from puhui.core.money import UNITS
from puhui.crowdfunding.models import Allocation, Campaign, RewardTier
from puhui.crowdfunding.ports import (
    CrowdfundingAccount,
    CrowdfundingCode,
    crowdfunding_transfer_id,
)
from puhui.ledger.models import Account, NormalBalance
from puhui.ledger.services import (
    NewTransfer,
    accounts_create,
    transfers_create,
    transfers_require,
)


def _loaded_pair(owner: str, currency: str, *, kind: str, used: str, source: str
                 ) -> list[dict]:
    return [dict(kind=kind, owner=owner, currency=currency, debits_must_not_exceed_credits=True),
            dict(kind=used, owner=owner, currency=currency),
            dict(kind=source, owner=owner, currency=currency,
                 normal_balance=NormalBalance.DEBIT)]


def campaign_accounts_open(campaign: Campaign) -> None:
    """Open the escrow; load the capacity with the maximum and each limited tier's stock with
    its units (the caller saves the campaign; the tiers are saved here)."""
    owner = campaign.subject
    specs = [dict(kind=CrowdfundingAccount.CAMPAIGN_ESCROW, owner=owner,
                  currency=campaign.currency)]
    capped = campaign.maximum_fen is not None and campaign.allocation != Allocation.BALLOT
    if capped:
        specs += _loaded_pair(owner, campaign.currency, kind=CrowdfundingAccount.CAMPAIGN_CAPACITY,
                              used=CrowdfundingAccount.CAMPAIGN_CAPACITY_USED,
                              source=CrowdfundingAccount.CAMPAIGN_CAPACITY_SOURCE)
    tiers = [tier for tier in campaign.tiers.all() if tier.quantity is not None]
    for tier in tiers:
        specs += _loaded_pair(f"reward-tier:{tier.pk}", UNITS,
                              kind=CrowdfundingAccount.TIER_STOCK,
                              used=CrowdfundingAccount.TIER_STOCK_USED,
                              source=CrowdfundingAccount.TIER_STOCK_SOURCE)
    opened = iter(accounts_create(specs))
    campaign.escrow_account_id = next(opened).id
    loads = []
    if capped:
        capacity, sink, source = next(opened), next(opened), next(opened)
        campaign.capacity_account_id, campaign.capacity_sink_account_id = capacity.id, sink.id
        loads.append(NewTransfer(
            id=crowdfunding_transfer_id("capacity", campaign.pk), debit_account_id=source.id,
            credit_account_id=capacity.id, amount=campaign.maximum_fen or 0,
            currency=campaign.currency, code=CrowdfundingCode.CAMPAIGN_CAPACITY,
            reference=owner))
    for tier in tiers:
        stock, sink, source = next(opened), next(opened), next(opened)
        tier.stock_account_id, tier.stock_sink_account_id = stock.id, sink.id
        tier.save(update_fields=["stock_account_id", "stock_sink_account_id"])
        loads.append(NewTransfer(
            id=crowdfunding_transfer_id("stock", tier.pk), debit_account_id=source.id,
            credit_account_id=stock.id, amount=tier.quantity or 0, currency=UNITS,
            code=CrowdfundingCode.TIER_STOCK, reference=owner))
    if loads:
        transfers_require(transfers_create(loads), what="a campaign's capacity and stock")


def campaign_raised_fen(campaign: Campaign) -> int:
    """Live: what pledges hold (pending) or have put (posted) into the escrow."""
    if campaign.escrow_account_id is None:
        return 0
    escrow = Account.objects.get(pk=campaign.escrow_account_id)
    return escrow.credits_pending + escrow.credits_posted


def tiers_left(tiers: Iterable[RewardTier]) -> dict[int, int | None]:
    """Units still to be had per tier (None: unlimited), the stock accounts read at once."""
    tiers = list(tiers)
    stocks = Account.objects.in_bulk([t.stock_account_id for t in tiers if t.stock_account_id])
    left: dict[int, int | None] = {}
    for tier in tiers:
        stock = stocks.get(tier.stock_account_id or 0)
        left[tier.pk] = (None if stock is None
                         else stock.credits_posted - stock.debits_posted - stock.debits_pending)
    return left


def tier_left(tier: RewardTier) -> int | None:
    return tiers_left([tier])[tier.pk]
