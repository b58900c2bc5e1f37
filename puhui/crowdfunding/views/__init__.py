"""Crowdfunding pages: discover, a campaign's page with its pledge form, the backer's pledges,
the issuer's campaigns and new-campaign form, the operators' review queue (campaigns); a
material change, reconfirmations, the milestones, ballots and cap tables after launch
(after_launch); updates, comments and rewards on their way (community). One view per
action, each parsing its form and making one call to a service."""

from puhui.crowdfunding.views.after_launch import (
    campaign_ballot,
    campaign_change,
    cap_table_export,
    holding_certificate,
    holding_transfer,
    milestone_decision,
    milestone_evidence,
    milestone_review,
    milestone_vote,
    pledge_reconfirm,
)
from puhui.crowdfunding.views.campaigns import (
    campaign_cancel,
    campaign_close_early,
    campaign_decision,
    campaign_detail,
    campaign_pledge,
    campaign_review,
    campaign_risks,
    campaign_submit,
    campaign_suspend,
    discover,
    issuer_campaigns,
    my_pledges,
    pledge_cancel,
    review_queue,
)
from puhui.crowdfunding.views.community import (
    comment_answer,
    comment_post,
    fulfilment_address,
    fulfilment_status,
    reward_late,
    update_post,
)

__all__ = [
    "campaign_ballot", "campaign_cancel", "campaign_change", "campaign_close_early",
    "campaign_decision", "campaign_detail", "campaign_pledge", "campaign_review", "campaign_risks",
    "campaign_submit", "campaign_suspend", "cap_table_export", "comment_answer", "comment_post",
    "discover", "fulfilment_address", "fulfilment_status", "holding_certificate",
    "holding_transfer", "issuer_campaigns", "milestone_decision", "milestone_evidence",
    "milestone_review", "milestone_vote", "my_pledges", "pledge_cancel", "pledge_reconfirm",
    "review_queue", "reward_late", "update_post",
]
