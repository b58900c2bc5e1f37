"""Crowdfunding's writes, by subdomain: the rules read (rules), the ledger accounts
(accounts), a campaign's life (campaigns), pledges (pledges), the end of a raise
(settlement) and the tranches after it (milestones); material changes and reconfirmation
(changes); what backers do first and whether they
may pledge (backers); limits across platforms at the shared registry (across_platforms)."""

from puhui.crowdfunding.services.accounts import campaign_raised_fen, tier_left, tiers_left
from puhui.crowdfunding.services.backers import risks_acknowledge, standing_declare
from puhui.crowdfunding.services.campaigns import (
    CampaignDraft,
    TierDraft,
    campaign_checks_record,
    campaign_close_early,
    campaign_create,
    campaign_decide,
    campaign_mark_reviewed,
    campaign_submit,
    campaign_suspend,
)
from puhui.crowdfunding.services.changes import (
    MaterialChange,
    campaign_change,
    pledge_reconfirm,
    pledges_lapse_due,
)
from puhui.crowdfunding.services.equity import shares_transfer
from puhui.crowdfunding.services.gathering import pledge_gathered
from puhui.crowdfunding.services.milestones import (
    MilestoneDraft,
    milestone_decide,
    milestone_evidence_send,
    milestone_mark_reviewed,
    milestone_vote,
    milestones_due,
)
from puhui.crowdfunding.services.pledges import (
    PledgeOutcome,
    PledgeRequest,
    cancellation_cutoff,
    pledge_cancel,
    pledge_place,
    pledges_place,
)
from puhui.crowdfunding.services.rules import crowdfunding_rules
from puhui.crowdfunding.services.settlement import (
    campaign_cancel,
    campaign_fee_fen,
    campaign_loan_record,
    campaign_settle,
    campaigns_settle_due,
)

__all__ = [
    "CampaignDraft", "MaterialChange", "MilestoneDraft", "PledgeOutcome", "PledgeRequest",
    "TierDraft", "campaign_cancel", "campaign_change", "campaign_checks_record",
    "campaign_close_early", "campaign_create", "campaign_decide", "campaign_fee_fen",
    "campaign_loan_record", "campaign_mark_reviewed", "campaign_raised_fen", "campaign_settle",
    "campaign_submit", "campaign_suspend", "campaigns_settle_due", "cancellation_cutoff",
    "crowdfunding_rules", "milestone_decide", "milestone_evidence_send", "milestone_mark_reviewed",
    "milestone_vote", "milestones_due", "pledge_cancel", "pledge_gathered", "pledge_place",
    "pledge_reconfirm", "pledges_lapse_due", "pledges_place", "risks_acknowledge",
    "shares_transfer", "standing_declare", "tier_left", "tiers_left",
]
