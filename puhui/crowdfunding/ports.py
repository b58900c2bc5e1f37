"""Crowdfunding's vocabulary on the ledger, declared once: the accounts it opens and the codes
of the movements it books. Custody reads ``CrowdfundingAccount.CAMPAIGN_ESCROW`` to know the
escrow is money at the custodian; the shared registry's client reads what crowdfunding asks
of it (limits across platforms). This module imports no app."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class CrowdfundingAccount(StrEnum):
    CAMPAIGN_ESCROW = "campaign_escrow"  # what pledges put into a campaign, at the custodian
    CAMPAIGN_CAPACITY = "campaign_capacity"  # holds exactly the maximum raise
    CAMPAIGN_CAPACITY_USED = "campaign_capacity_used"
    CAMPAIGN_CAPACITY_SOURCE = "campaign_capacity_source"
    TIER_STOCK = "tier_stock"  # holds exactly the units a reward tier offers (currency XXX)
    TIER_STOCK_USED = "tier_stock_used"
    TIER_STOCK_SOURCE = "tier_stock_source"


class CrowdfundingCode(StrEnum):
    CAMPAIGN_CAPACITY = "campaign_capacity"
    TIER_STOCK = "tier_stock"
    PLEDGE = "pledge"  # wallet → escrow, pending until the deadline
    PLEDGE_CAPACITY = "pledge_capacity"  # capacity → its sink, linked to the pledge
    PLEDGE_STOCK = "pledge_stock"  # a tier's units → their sink, linked to the pledge
    CAMPAIGN_FEE = "campaign_fee"  # escrow → the platform's fee income
    CAMPAIGN_PAYOUT = "campaign_payout"  # escrow → the issuer's wallet (the first tranche)
    TRANCHE_RELEASE = "tranche_release"  # escrow → the issuer's wallet, a milestone met
    CAMPAIGN_REFUND = "campaign_refund"  # escrow → a backer's wallet, a milestone missed


CROWDFUNDING_NAMESPACE = uuid.UUID("0c7d9f3a-2e51-4b86-a1d4-6e8f0b2c4a97")


def crowdfunding_transfer_id(*parts: object) -> uuid.UUID:
    """Deterministic transfer ids from business keys: a retried step is a ledger ``exists``."""
    return uuid.uuid5(CROWDFUNDING_NAMESPACE, ":".join(str(part) for part in parts))


# --- limits across platforms: what crowdfunding asks of the shared registry ----------------------


class LimitPurpose(StrEnum):
    INVESTMENT = "investment"  # a backer's 12-month limit, reserved per pledge
    RAISE = "raise"  # an issuer's 12-month cap, reserved per campaign


@dataclass(frozen=True)
class LimitHold:
    """Reserve ``amount_fen`` of a subject's 12-month limit (``limit_fen``, as this platform's
    rulebook sets it) across every platform, for ``reference`` (a pledge or a campaign)."""

    purpose: LimitPurpose
    subject_kind: str  # "person" or "enterprise"
    subject_id: str  # resident ID or unified social credit code
    reference: str
    amount_fen: int
    limit_fen: int
    currency: str
    expires_at: datetime | None = None  # unresolved by then (a lost answer): it stops counting


@dataclass(frozen=True)
class LimitAnswer:
    held: bool
    facts: dict[str, str] = field(default_factory=dict)  # when refused: limit, used, left
    unreachable: str = ""  # why the registry could not be asked


# ``PUHUI_CROWDFUNDING_LIMIT_HOLD`` names a LimitHolder; ``PUHUI_CROWDFUNDING_LIMIT_RESOLVE`` a
# LimitResolver, told in the current transaction what was collected under a reference (0:
# released) and sending it after commit.
LimitHolder = Callable[[LimitHold], LimitAnswer]
LimitResolver = Callable[[str, int, str], None]


def pledge_limit_reference(pledge_id: uuid.UUID) -> str:
    return f"pledge:{pledge_id}"


def campaign_cap_reference(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"
