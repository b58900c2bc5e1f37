"""The rulebook's ``[crowdfunding]`` section, read once per decision."""

from datetime import date

from django_stubs_ext import StrOrPromise

from puhui.core.errors import PuhuiError
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import CAMPAIGN_MOVES, Campaign, CampaignKind, CampaignStatus
from puhui.rulebook.schema import CampaignKindRule, Crowdfunding
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section


def crowdfunding_rules(on: date | None = None) -> Crowdfunding:
    rules: Crowdfunding = rulebook_section(rulebook_in_force(on=on), "crowdfunding")
    return rules


def kind_rule_require(rules: Crowdfunding, kind: str) -> CampaignKindRule:
    """The rule of a kind the jurisdiction offers; a kind it keeps out is refused, naming why."""
    rule = rules.kind(kind)
    if rule.backers == "nobody":
        raise PuhuiError(CrowdfundingError.KIND_NOT_OFFERED, kind=CampaignKind(kind).label,
                         rule=rule.source)
    return rule


def campaign_move_require(campaign: Campaign, target: str, action: StrOrPromise) -> None:
    """Refuse a move ``CAMPAIGN_MOVES`` does not allow, saying the status and the action in
    the reader's language (``action`` is lazy)."""
    if not CAMPAIGN_MOVES.allows(campaign.status, target):
        raise PuhuiError(CrowdfundingError.CAMPAIGN_NOT_IN_STATE,
                         status=CampaignStatus(campaign.status).label, action=action)
