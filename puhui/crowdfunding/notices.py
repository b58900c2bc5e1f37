"""What crowdfunding tells issuers and backers (``puhui.notifications``): the kinds, and the
notices each change sends, in its transaction."""

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext_noop as _

from puhui.core.money import money_shown
from puhui.crowdfunding.models import (
    Campaign,
    CampaignChange,
    CampaignStatus,
    CampaignUpdate,
    Milestone,
    MilestoneStatus,
    Pledge,
    PledgeStatus,
    RewardTier,
)
from puhui.notifications.kinds import NoticeKind
from puhui.notifications.services import Addressed, notices_send

NOTICE_KINDS = (
    NoticeKind("crowdfunding.campaign_online", _("Campaign “{title}” is online"),
               _("It takes pledges until {deadline}."), _("Your campaign goes online")),
    NoticeKind("crowdfunding.campaign_rejected", _("Campaign “{title}” was not approved"),
               _("The platform's reasons: {reasons}"), _("Your campaign is not approved")),
    NoticeKind("crowdfunding.campaign_funded", _("Campaign “{title}” is funded"),
               _("{raised} was raised from {backers} backers; the platform's fee is {fee} and "
                 "{paid} is paid to the issuer."), _("A campaign you run or back is funded")),
    NoticeKind("crowdfunding.campaign_failed", _("Campaign “{title}” did not reach its goal"),
               _("It raised {raised} of {goal}; every pledge is released and the money is in "
                 "the backers' wallets again."), _("A campaign you run or back did not fund")),
    NoticeKind("crowdfunding.campaign_cancelled", _("Campaign “{title}” is cancelled"),
               _("Every pledge is released; the money is in the backers' wallets again."),
               _("A campaign you back is cancelled")),
    NoticeKind("crowdfunding.early_close", _("Campaign “{title}” now closes on {deadline}"),
               _("It reached its goal; its deadline moves from {previous} to {deadline}. You "
                 "may cancel your pledge until {cutoff_hours} hours before it."),
               _("A campaign you back closes early")),
    NoticeKind("crowdfunding.material_change",
               _("“{title}” changed: reconfirm your pledge by {reconfirm_by}"),
               _("The issuer changed the campaign: {summary} Reconfirm your pledge by "
                 "{reconfirm_by}, or it is cancelled and the money is free again."),
               _("A campaign you back changes its terms")),
    NoticeKind("crowdfunding.update", _("“{title}”: {update}"),
               _("The issuer posted an update on the campaign's page."),
               _("An issuer's update on a campaign you back")),
    NoticeKind("crowdfunding.reward_late", _("“{title}”: your reward will be late"),
               _("“{reward}” is now expected on {expected}. The issuer says: {reason}"),
               _("A reward you backed will be late")),
    NoticeKind("crowdfunding.milestone_released",
               _("“{title}”: milestone {position} is met"),
               _("“{milestone}” was approved; {tranche} is paid to the issuer from the escrow."),
               _("A milestone of a campaign you run or back is met")),
    NoticeKind("crowdfunding.milestone_vote",
               _("“{title}”: milestone {position} was missed — vote by {vote_until}"),
               _("“{milestone}” was not met by its date. Vote to release its tranche or to "
                 "have the rest refunded to backers; votes count by what each backer put in."),
               _("A milestone of a campaign you back was missed")),
    NoticeKind("crowdfunding.milestone_refunded",
               _("“{title}”: the rest is refunded"),
               _("Milestone “{milestone}” was missed; what the escrow held is refunded to the "
                 "backers in proportion to what each put in."),
               _("A campaign you run or back refunds the rest")),
)


def _link(campaign: Campaign) -> str:
    return f"/campaigns/{campaign.pk}/"


def notices_campaign_decided(campaign: Campaign) -> None:
    online = campaign.status == CampaignStatus.ONLINE
    notices_send(
        "crowdfunding.campaign_online" if online else "crowdfunding.campaign_rejected",
        [Addressed(campaign.enterprise.representative_id, {
            "title": campaign.title, "reasons": campaign.decision_reasons or "—",
            "deadline": campaign.deadline.isoformat() if campaign.deadline else ""},
            key=f"campaign:{campaign.pk}:{campaign.status}", link=_link(campaign))])


def notices_campaign_ended(campaign: Campaign, pledges: Sequence[Pledge]) -> None:
    """The issuer and every backer hear how the raise ended."""
    shown = lambda fen: money_shown(fen, campaign.currency)  # noqa: E731
    kind = {CampaignStatus.FUNDED.value: "crowdfunding.campaign_funded",
            CampaignStatus.FAILED.value: "crowdfunding.campaign_failed"}.get(
        campaign.status, "crowdfunding.campaign_cancelled")
    facts = {"title": campaign.title, "raised": shown(campaign.raised_fen),
             "goal": shown(campaign.goal_fen), "fee": shown(campaign.fee_fen),
             "paid": shown(campaign.raised_fen - campaign.fee_fen),
             "backers": len({p.backer_id for p in pledges})}
    people = {campaign.enterprise.representative_id} | {p.backer_id for p in pledges}
    notices_send(kind, [Addressed(user_id, facts, key=f"campaign:{campaign.pk}:{campaign.status}",
                                  link=_link(campaign)) for user_id in sorted(people)])


def notices_early_close(campaign: Campaign, previous: date, cutoff_hours: int) -> None:
    backers = set(Pledge.objects.filter(campaign=campaign, status__in=(
        PledgeStatus.PENDING, PledgeStatus.RECONFIRM)).values_list("backer_id", flat=True))
    facts = {"title": campaign.title, "previous": previous.isoformat(),
             "deadline": campaign.deadline.isoformat() if campaign.deadline else "",
             "cutoff_hours": cutoff_hours}
    notices_send("crowdfunding.early_close", [Addressed(
        user_id, facts, key=f"campaign:{campaign.pk}:early-close:{facts['deadline']}",
        link=_link(campaign)) for user_id in sorted(backers)])


def notices_milestone(campaign: Campaign, milestone: Milestone) -> None:
    """A milestone met, missed (a vote) or refunded: the issuer and every backer hear it."""
    kind = {MilestoneStatus.RELEASED.value: "crowdfunding.milestone_released",
            MilestoneStatus.VOTING.value: "crowdfunding.milestone_vote"}.get(
        milestone.status, "crowdfunding.milestone_refunded")
    backers = set(Pledge.objects.filter(campaign=campaign, status=PledgeStatus.COLLECTED)
                  .values_list("backer_id", flat=True))
    people = backers if kind == "crowdfunding.milestone_vote" else (
        backers | {campaign.enterprise.representative_id})
    facts = {"title": campaign.title, "position": milestone.position,
             "milestone": milestone.title,
             "tranche": money_shown(milestone.tranche_fen, campaign.currency),
             "vote_until": milestone.vote_until.isoformat() if milestone.vote_until else ""}
    notices_send(kind, [Addressed(user_id, facts, key=f"milestone:{milestone.pk}:{kind}",
                                  link=_link(campaign)) for user_id in sorted(people)])


def notices_material_change(campaign: Campaign, change: CampaignChange,
                            backers: set[int]) -> None:
    facts = {"title": campaign.title, "summary": change.summary,
             "reconfirm_by": change.reconfirm_by.isoformat()}
    notices_send("crowdfunding.material_change", [Addressed(
        user_id, facts, key=f"campaign-change:{change.pk}", link="/investor/pledges/")
        for user_id in sorted(backers)])


def notices_update(campaign: Campaign, update: CampaignUpdate, backers: set[int]) -> None:
    notices_send("crowdfunding.update", [Addressed(
        user_id, {"title": campaign.title, "update": update.title},
        key=f"campaign-update:{update.pk}", link=_link(campaign)) for user_id in sorted(backers)])


def notices_reward_late(tier: RewardTier, expected: date, reason: str,
                        backers: set[int]) -> None:
    facts = {"title": tier.campaign.title, "reward": tier.title,
             "expected": expected.isoformat(), "reason": reason}
    notices_send("crowdfunding.reward_late", [Addressed(
        user_id, facts, key=f"reward-late:{tier.pk}:{expected.isoformat()}",
        link="/investor/pledges/") for user_id in sorted(backers)])
