"""Crowdfunding's records: the campaign, its rewards, pledges and backers (``core``); what
follows its launch — changes, milestones, shareholdings, updates, comments, fulfilment
(``after_launch``)."""

from puhui.crowdfunding.models.after_launch import (
    MILESTONE_MOVES,
    CampaignChange,
    CampaignComment,
    CampaignUpdate,
    Fulfilment,
    FulfilmentStatus,
    Milestone,
    MilestoneStatus,
    MilestoneVote,
    Shareholding,
    ShareTransfer,
)
from puhui.crowdfunding.models.core import (
    CAMPAIGN_MOVES,
    PLEDGE_LIVE,
    PLEDGE_MOVES,
    Allocation,
    BackerStanding,
    Campaign,
    CampaignKind,
    CampaignStatus,
    EquityHolding,
    FundingModel,
    MilestoneMissed,
    Pledge,
    PledgeStatus,
    RewardTier,
    RiskAcknowledgement,
)

__all__ = [
    "CAMPAIGN_MOVES", "MILESTONE_MOVES", "PLEDGE_LIVE", "PLEDGE_MOVES", "Allocation",
    "BackerStanding", "Campaign", "CampaignChange", "CampaignComment", "CampaignKind",
    "CampaignStatus", "CampaignUpdate", "EquityHolding", "Fulfilment", "FulfilmentStatus",
    "FundingModel", "Milestone", "MilestoneMissed", "MilestoneStatus", "MilestoneVote", "Pledge",
    "PledgeStatus", "RewardTier", "RiskAcknowledgement", "ShareTransfer", "Shareholding",
]
