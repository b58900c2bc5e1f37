"""Equity after a funded raise: the shares each backer bought (what the ledger collected,
divided by the price), issued on the day the raise closed, held through the platform's
nominee or directly as the campaign said, and locked from transfer for the rulebook's months;
after the lock, nominee-held shares may pass to another admitted investor."""

import uuid
from datetime import date

from django.db import transaction

from puhui.audit.services import audit_record, audit_records
from puhui.core.errors import PuhuiError
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import (
    Campaign,
    CampaignKind,
    EquityHolding,
    Pledge,
    Shareholding,
    ShareTransfer,
)
from puhui.crowdfunding.services.rules import crowdfunding_rules
from puhui.lending.schedules import due_date
from puhui.parties.models import InvestorProfile, ReviewStatus, Role, User


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


@transaction.atomic
def shares_transfer(*, seller: User, holding: Shareholding, buyer: User, shares: int,
                    on: date, request_id: uuid.UUID | None = None) -> Shareholding:
    """Beneficial ownership of nominee-held shares passes to another admitted investor (the
    issuer's register, the nominee's line, does not change); never before the lock ends.
    ``request_id`` makes a second send the same transfer. Returns the buyer's holding."""
    request_id = request_id or uuid.uuid4()
    holding = Shareholding.objects.select_for_update().get(pk=holding.pk)  # then it is decided
    done = ShareTransfer.objects.filter(request_id=request_id).first()
    if done is not None:
        return Shareholding.objects.get(campaign_id=done.campaign_id, holder_id=done.buyer_id)
    if holding.holder_id != seller.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_HOLDING)
    if holding.holding != EquityHolding.NOMINEE:
        raise PuhuiError(CrowdfundingError.DIRECT_HOLDING_ON_REGISTER)
    if not holding_transferable(holding, on):
        raise PuhuiError(CrowdfundingError.SHARES_LOCKED,
                         day=holding.locked_until.isoformat())
    if not 0 < shares <= holding.shares or buyer.pk == seller.pk:
        raise PuhuiError(CrowdfundingError.SHARES_NOT_HELD, held=holding.shares)
    profile = InvestorProfile.objects.filter(user=buyer).first()
    if buyer.role != Role.INVESTOR or profile is None or profile.status != ReviewStatus.APPROVED:
        raise PuhuiError(CrowdfundingError.BACKER_NOT_ADMITTED)
    bought, _made = Shareholding.objects.select_for_update().get_or_create(
        campaign_id=holding.campaign_id, holder=buyer, defaults={
            "share_class": holding.share_class, "shares": 0,
            "price_per_share_fen": holding.price_per_share_fen, "holding": holding.holding,
            "issued_on": holding.issued_on, "locked_until": holding.locked_until,
            "certificate_number": certificate_number(holding.campaign, buyer.pk)})
    holding.shares -= shares
    bought.shares += shares
    Shareholding.objects.bulk_update([holding, bought], ["shares"])
    ShareTransfer.objects.create(campaign_id=holding.campaign_id, seller=seller, buyer=buyer,
                                 shares=shares, transferred_on=on, request_id=request_id)
    audit_record(actor=seller, action="shares.transferred",
                 subject=f"campaign:{holding.campaign_id}", shares=shares, to=buyer.pk,
                 on=on.isoformat())
    return bought
