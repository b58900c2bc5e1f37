"""Equity after a funded raise: the shares each backer bought (what the ledger collected,
divided by the price), issued on the day the raise closed, held through the platform's
nominee or directly as the campaign said, and locked from transfer for the rulebook's months.
"""

from datetime import date

from puhui.audit.services import audit_records
from puhui.crowdfunding.models import Campaign, CampaignKind, Pledge, Shareholding
from puhui.crowdfunding.services.rules import crowdfunding_rules
from puhui.lending.schedules import due_date


def certificate_number(campaign: Campaign, holder_id: int) -> str:
    return f"SC-{campaign.pk:05d}-{holder_id:07d}"


def shares_issue(campaign: Campaign, collected: list[Pledge], today: date) -> list[Shareholding]:
    """One holding per backer of a funded equity campaign; pledges are whole shares (checked
    when they were made), so nothing is left over."""
    if campaign.kind != CampaignKind.EQUITY or not campaign.price_per_share_fen:
        return []
    bought: dict[int, int] = {}
    for pledge in collected:
        bought[pledge.backer_id] = bought.get(pledge.backer_id, 0) + pledge.allocated_fen
    locked_until = due_date(today, crowdfunding_rules().equity_transfer_lock_months)
    holdings = Shareholding.objects.bulk_create([
        Shareholding(campaign=campaign, holder_id=holder_id, share_class=campaign.share_class,
                     shares=fen // campaign.price_per_share_fen,
                     price_per_share_fen=campaign.price_per_share_fen, holding=campaign.holding,
                     issued_on=today, locked_until=locked_until,
                     certificate_number=certificate_number(campaign, holder_id))
        for holder_id, fen in sorted(bought.items())])
    audit_records((None, "shares.issued", campaign.subject,
                   {"holder": h.holder_id, "shares": h.shares}) for h in holdings)
    return holdings


def holding_transferable(holding: Shareholding, on: date) -> bool:
    """The rulebook's lock from issue: no transfer before ``locked_until``."""
    return on >= holding.locked_until
