"""Notes and shares: the issuer goes through the shared registry and the credit engine when the
campaign is sent for review, as a loan applicant does; a check that failed stops the approval
and changes nothing. A reward campaign needs none (cn-2016)."""

from decimal import Decimal

import pytest

from puhui.core.errors import PuhuiError
from puhui.crowdfunding.models import CampaignStatus
from puhui.crowdfunding.services import campaign_create, campaign_decide, campaign_mark_reviewed
from puhui.devtools.campaign_world import campaign_draft
from puhui.devtools.world import enterprise_admitted, operators
from puhui.operations.campaign_checks import campaign_submit_checked

pytestmark = pytest.mark.django_db


def _submitted(kind: str, amount: str):
    enterprise = enterprise_admitted(revenue_wan=Decimal("2000"))
    campaign = campaign_create(issuer=enterprise.representative, enterprise=enterprise,
                               draft=campaign_draft(kind, goal=Decimal(amount),
                                                    maximum=Decimal(amount)))
    campaign = campaign_submit_checked(issuer=enterprise.representative, campaign=campaign)
    maker, checker = operators()
    campaign_mark_reviewed(campaign=campaign, reviewer=maker, note="read")
    return campaign, checker


def test_notes_within_the_caps_pass_the_issuer_s_checks_and_go_online():
    campaign, checker = _submitted("debt", "300000")
    rules = {check["rule_id"] for check in campaign.checks}
    assert {"borrowing_caps.legal_person.per_platform", "credit_policy.min_enterprise_age_months",
            "credit.decision"} <= rules
    assert all(check["passed"] for check in campaign.checks)
    online = campaign_decide(campaign=campaign, approver=checker, approve=True, reasons="")
    assert online.status == CampaignStatus.ONLINE


def test_notes_over_the_per_platform_cap_cannot_be_approved():
    campaign, checker = _submitted("debt", "3000000")  # the cap is 1,000,000 (Art. 17)
    failed = [check["rule_id"] for check in campaign.checks if not check["passed"]]
    assert failed == ["borrowing_caps.legal_person.per_platform"]
    with pytest.raises(PuhuiError) as refused:
        campaign_decide(campaign=campaign, approver=checker, approve=True, reasons="")
    assert refused.value.code == "ISSUER_CHECKS_FAILED"
    campaign.refresh_from_db()
    assert (campaign.status, campaign.escrow_account_id) == (CampaignStatus.REVIEWED, None)


def test_a_reward_campaign_needs_no_credit_check():
    campaign, _checker = _submitted("reward", "60000")
    assert campaign.checks == []


def test_shares_are_not_borrowing_the_caps_see_nothing_new():
    campaign, _checker = _submitted("equity", "3000000")  # over the 1,000,000 borrowing cap
    assert {"credit.decision", "credit_policy.min_enterprise_age_months"} <= {
        check["rule_id"] for check in campaign.checks}
    assert all(check["passed"] for check in campaign.checks)
