"""Campaigns and backers made through the services, for the demo, the benchmarks and the
tests: a draft of each kind with sensible terms, a campaign put online by two operators, and
backers with money, a bold risk profile and the kind's risks read."""

from datetime import date
from decimal import Decimal
from typing import Any

from puhui.crowdfunding.models import Campaign
from puhui.crowdfunding.services import (
    CampaignDraft,
    TierDraft,
    campaign_create,
    campaign_decide,
    campaign_mark_reviewed,
    campaign_submit,
    risks_acknowledge,
)
from puhui.devtools.world import enterprise_admitted, investor_with_money, operators
from puhui.parties.models import Enterprise, User

# Answers that reach the highest suitability level (R5): equity and notes are R5 and R4.
BOLD_ANSWERS = {"horizon": "gt-3y", "loss": "buy-more", "experience": "lending", "share": "lt-5"}

_STORY = ("We roast and pack tea from our own hills in Anji. This raise pays for a second "
          "roasting line, so that we can supply the forty shops that asked us this spring.")
_RISKS = ("A poor harvest or a late machine would delay what we promise; the money may be "
          "lost if the business fails.")


def campaign_draft(kind: str = "reward", **fields: Any) -> CampaignDraft:
    """A draft of ``kind`` whose terms fit both shipped rulebooks; ``fields`` override."""
    base: dict[str, Any] = {
        "kind": kind, "funding_model": "all_or_nothing", "title": f"Anji white tea ({kind})",
        "summary": "A second roasting line for a family tea business.", "story": _STORY,
        "risks": _RISKS, "use_of_funds": "Roasting line 70 %, packaging 20 %, fees 10 %.",
        "goal": Decimal("50000"), "min_pledge": Decimal("10"), "days_open": 30}
    if kind == "reward":
        base["tiers"] = (
            TierDraft("A thank-you card", "Written by the family.", Decimal("20"), None,
                      date(2027, 3, 1)),
            TierDraft("Spring tea sampler", "Five teas of the first picking, 250 g.",
                      Decimal("99"), 100, date(2027, 4, 15), ships=True),
            TierDraft("Tea master's set", "A clay pot, cups and 1 kg of tea.",
                      Decimal("499"), 10, date(2027, 5, 1), ships=True))
    if kind == "debt":
        base |= {"goal": Decimal("200000"), "maximum": Decimal("300000"),
                 "min_pledge": Decimal("1000"), "rate_annual": Decimal("0.08"),
                 "term_months": 12, "repayment_method": "equal-installment"}
    if kind == "equity":
        base |= {"goal": Decimal("500000"), "maximum": Decimal("1000000"),
                 "min_pledge": Decimal("1000"), "pre_money_valuation": Decimal("10000000"),
                 "share_class": "Ordinary", "price_per_share": Decimal("10"),
                 "holding": "nominee"}
    return CampaignDraft(**(base | fields))


def campaign_online(kind: str = "reward", *, enterprise: Enterprise | None = None,
                    business_date: date | None = None, **fields: Any) -> Campaign:
    """A campaign drafted, submitted, reviewed and approved: online from ``business_date``."""
    enterprise = enterprise or enterprise_admitted()
    campaign = campaign_create(issuer=enterprise.representative, enterprise=enterprise,
                               draft=campaign_draft(kind, **fields))
    campaign_submit(issuer=enterprise.representative, campaign=campaign)
    maker, checker = operators()
    campaign_mark_reviewed(campaign=campaign, reviewer=maker, note="documents seen")
    return campaign_decide(campaign=campaign, approver=checker, approve=True, reasons="",
                           business_date=business_date)


def backer_new(fen: int, *kinds: str, **fields: Any) -> User:
    """An admitted investor with ``fen`` in the wallet who has read the risks of ``kinds``."""
    backer = investor_with_money(fen, answers=dict(BOLD_ANSWERS), **fields)
    for kind in kinds or ("donation", "reward", "debt", "equity"):
        risks_acknowledge(backer=backer, kind=kind)
    return backer


