"""A campaign from draft to its end, with the money followed on the ledger. Figures are worked
by hand in the comments; the rulebook is cn-2016 (fee 5 %, 10 to 60 days open, cancellation
until 48 hours before the deadline)."""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.crowdfunding.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from puhui.crowdfunding.services import (
    PledgeRequest,
    campaign_cancel,
    campaign_close_early,
    campaign_create,
    campaign_decide,
    campaign_mark_reviewed,
    campaign_raised_fen,
    campaign_settle,
    campaign_submit,
    campaign_suspend,
    campaigns_settle_due,
    pledge_cancel,
    pledge_place,
    tier_left,
)
from puhui.custody.ports import CustodyAccount
from puhui.devtools.campaign_world import backer_new, campaign_draft, campaign_online
from puhui.devtools.world import enterprise_admitted, operators
from puhui.ledger.models import Account
from puhui.ledger.selectors import ledger_verify

pytestmark = pytest.mark.django_db
LAUNCH = date(2026, 3, 2)  # a Monday


def wallet_fen(owner: str, kind: str = CustodyAccount.INVESTOR_WALLET) -> int:
    account = Account.objects.filter(owner=owner, kind=kind).first()
    if account is None:
        return 0
    return account.credits_posted - account.debits_posted - account.debits_pending


def pledge(campaign: Campaign, backer: object, amount: str, *, tier: int | None = None,
           quantity: int = 1, pledge_id: uuid.UUID | None = None,
           day: date = LAUNCH) -> Pledge:
    return pledge_place(campaign=campaign, request=PledgeRequest(
        pledge_id=pledge_id or uuid.uuid4(), backer=backer, amount=Decimal(amount),  # type: ignore[arg-type]
        tier_id=tier, quantity=quantity), business_date=day,
        now=timezone.make_aware(datetime(day.year, day.month, day.day, 12)))


def refused(code: str, call: object, *args: object, **kwargs: object) -> PuhuiError:
    with pytest.raises(PuhuiError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.code == code, caught.value
    return caught.value


def test_a_reward_campaign_that_reaches_its_goal_collects_pays_the_fee_and_the_issuer():
    campaign = campaign_online("reward", business_date=LAUNCH, goal=Decimal("1000"))
    assert campaign.deadline == date(2026, 4, 1)  # 30 days after 2 March
    sampler = campaign.tiers.get(price_fen=99_00)
    ann, bo = backer_new(2_000_00), backer_new(2_000_00)
    pledge(campaign, ann, "600.00")  # no reward
    pledge(campaign, bo, "198.00", tier=sampler.pk, quantity=2)
    taken_back = pledge(campaign, bo, "300.00")
    pledge_cancel(backer=bo, pledge=taken_back,
                  now=timezone.make_aware(datetime(2026, 3, 3, 9)))
    pledge(campaign, bo, "250.00")
    assert tier_left(sampler) == 98
    assert campaign_raised_fen(campaign) == 600_00 + 198_00 + 250_00  # 1,048.00
    assert wallet_fen(bo.ledger_owner) == 2_000_00 - 198_00 - 250_00  # the cancel freed 300

    assert campaigns_settle_due(business_date=date(2026, 3, 31)) == 0  # not yet
    assert campaigns_settle_due(business_date=date(2026, 4, 1)) == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FUNDED
    # raised 1,048.00; fee 5 % = 52.40; the issuer gets 995.60
    assert (campaign.raised_fen, campaign.fee_fen) == (1_048_00, 52_40)
    issuer = f"enterprise:{campaign.enterprise_id}"
    assert wallet_fen(issuer, CustodyAccount.BORROWER_WALLET) == 995_60
    assert wallet_fen(ann.ledger_owner) == 1_400_00
    assert set(campaign.pledges.values_list("status", flat=True)) == {
        PledgeStatus.COLLECTED, PledgeStatus.CANCELLED}
    escrow = Account.objects.get(pk=campaign.escrow_account_id)
    assert escrow.credits_posted - escrow.debits_posted == 0
    assert escrow.credits_pending == 0
    assert tier_left(sampler) == 98  # the units are sold now
    assert ledger_verify().ok


def test_an_all_or_nothing_campaign_that_misses_releases_every_pledge_at_once():
    campaign = campaign_online("reward", business_date=LAUNCH, goal=Decimal("1000"))
    master = campaign.tiers.get(price_fen=499_00)
    backer = backer_new(1_000_00)
    pledge(campaign, backer, "499.00", tier=master.pk)
    pledge(campaign, backer, "100.00")
    assert wallet_fen(backer.ledger_owner) == 401_00
    campaign_settle(campaign=campaign, business_date=campaign.deadline)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
    assert campaign.raised_fen == 599_00
    assert wallet_fen(backer.ledger_owner) == 1_000_00
    assert tier_left(master) == 10  # the unit is back in stock
    assert set(campaign.pledges.values_list("status", flat=True)) == {PledgeStatus.RELEASED}
    assert wallet_fen(f"enterprise:{campaign.enterprise_id}", CustodyAccount.BORROWER_WALLET) == 0
    assert ledger_verify().ok


def test_a_campaign_that_keeps_what_it_raised_is_funded_below_its_goal():
    campaign = campaign_online("donation", business_date=LAUNCH, goal=Decimal("10000"),
                               funding_model="keep_it_all")
    pledge(campaign, backer_new(500_00), "333.33")
    campaign_settle(campaign=campaign, business_date=campaign.deadline)
    campaign.refresh_from_db()
    # 5 % of 333.33 is 16.6665, half-up 16.67; the issuer gets 316.66
    assert (campaign.status, campaign.raised_fen, campaign.fee_fen) == (
        CampaignStatus.FUNDED, 333_33, 16_67)
    assert wallet_fen(f"enterprise:{campaign.enterprise_id}",
                      CustodyAccount.BORROWER_WALLET) == 316_66


def test_a_tier_never_sells_more_units_than_it_has_and_the_maximum_holds():
    campaign = campaign_online("reward", business_date=LAUNCH, goal=Decimal("1000"),
                               maximum=Decimal("6000"))
    master = campaign.tiers.get(price_fen=499_00)
    backer = backer_new(20_000_00)
    pledge(campaign, backer, "4491.00", tier=master.pk, quantity=9)
    error = refused("TIER_SOLD_OUT", pledge, campaign, backer, "998.00", tier=master.pk,
                    quantity=2)
    assert error.facts["left"] == 1
    pledge(campaign, backer, "499.00", tier=master.pk)
    refused("TIER_SOLD_OUT", pledge, campaign, backer, "499.00", tier=master.pk)
    # 4,990.00 of 6,000.00 pledged: 1,010.00 left before the maximum
    error = refused("PLEDGE_EXCEEDS_REMAINING", pledge, campaign, backer, "1010.01")
    assert error.facts["remaining"] == "1,010.00 CNY"
    pledge(campaign, backer, "1010.00")
    refused("CAMPAIGN_FULL", pledge, campaign, backer, "10.00")
    assert campaign_raised_fen(campaign) == 6_000_00
    assert tier_left(master) == 0


def test_a_pledge_refused_changes_nothing_and_a_second_send_answers_the_first():
    campaign = campaign_online("reward", business_date=LAUNCH)
    backer = backer_new(100_00)
    before = wallet_fen(backer.ledger_owner)
    refused("PLEDGE_OVER_WALLET", pledge, campaign, backer, "100.01")
    refused("PLEDGE_BELOW_MINIMUM", pledge, campaign, backer, "9.99")
    sampler = campaign.tiers.get(price_fen=99_00)
    refused("TIER_NEEDS_MORE", pledge, campaign, backer, "98.99", tier=sampler.pk)
    assert wallet_fen(backer.ledger_owner) == before
    assert not campaign.pledges.exists()
    key = uuid.uuid4()
    first = pledge(campaign, backer, "20.00", pledge_id=key)
    assert pledge(campaign, backer, "20.00", pledge_id=key) == first
    refused("ALREADY_SENT_DIFFERENTLY", pledge, campaign, backer, "30.00", pledge_id=key)
    assert campaign.pledges.count() == 1
    assert wallet_fen(backer.ledger_owner) == 80_00


def test_pledges_are_firm_from_48_hours_before_the_deadline():
    campaign = campaign_online("reward", business_date=LAUNCH)
    backer = backer_new(1_000_00)
    early, late = pledge(campaign, backer, "50.00"), pledge(campaign, backer, "60.00")
    # the deadline is 1 April; the campaign closes at midnight after it (Asia/Shanghai), so
    # pledges are firm from 31 March 00:00
    cutoff = timezone.make_aware(datetime(2026, 3, 31, 0, 0))
    assert campaign.closes_at - timedelta(hours=48) == cutoff
    pledge_cancel(backer=backer, pledge=early, now=cutoff - timedelta(seconds=1))
    refused("CANCELLATION_WINDOW_PASSED", pledge_cancel, backer=backer, pledge=late, now=cutoff)
    late.refresh_from_db()
    assert late.status == PledgeStatus.PENDING
    refused("NOT_YOUR_PLEDGE", pledge_cancel, backer=backer_new(1), pledge=late,
            now=cutoff - timedelta(days=5))


def test_days_open_within_the_rulebooks_bounds():
    enterprise = enterprise_admitted()
    make = lambda days: campaign_create(  # noqa: E731
        issuer=enterprise.representative, enterprise=enterprise,
        draft=campaign_draft("donation", days_open=days))
    refused("DAYS_OPEN_OUTSIDE_RULES", make, 9)
    refused("DAYS_OPEN_OUTSIDE_RULES", make, 61)
    assert make(10).days_open == 10
    assert make(60).days_open == 60


def test_review_takes_two_operators_and_every_move_is_checked():
    enterprise = enterprise_admitted()
    campaign = campaign_create(issuer=enterprise.representative, enterprise=enterprise,
                               draft=campaign_draft("donation"))
    maker, checker = operators()
    refused("CAMPAIGN_NOT_IN_STATE", campaign_mark_reviewed, campaign=campaign, reviewer=maker)
    campaign_submit(issuer=enterprise.representative, campaign=campaign)
    campaign_mark_reviewed(campaign=campaign, reviewer=maker, note="seen")
    refused("SAME_OPERATOR_CANNOT_APPROVE", campaign_decide, campaign=campaign, approver=maker,
            approve=True, reasons="")
    refused("REASONS_REQUIRED", campaign_decide, campaign=campaign, approver=checker,
            approve=False, reasons=" ")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.REVIEWED
    assert campaign.escrow_account_id is None
    campaign_decide(campaign=campaign, approver=checker, approve=True, reasons="",
                    business_date=LAUNCH)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.launched_on) == (CampaignStatus.ONLINE, LAUNCH)
    refused("NOT_YOUR_CAMPAIGN", campaign_submit, issuer=checker, campaign=campaign)


def test_a_suspended_campaign_takes_no_pledges_and_a_cancelled_one_releases_them():
    campaign = campaign_online("reward", business_date=LAUNCH)
    backer = backer_new(500_00)
    pledge(campaign, backer, "200.00")
    _, officer = operators()
    campaign_suspend(campaign=campaign, operator=officer, reasons="complaint about the issuer")
    refused("CAMPAIGN_NOT_OPEN", pledge, campaign, backer, "50.00")
    assert campaigns_settle_due(business_date=date(2026, 5, 1)) == 0  # suspended: not settled
    campaign_cancel(user=officer, campaign=campaign, reasons="the complaint was upheld")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    assert wallet_fen(backer.ledger_owner) == 500_00
    assert campaign_cancel(user=officer, campaign=campaign, reasons="again").status == (
        CampaignStatus.CANCELLED)


def test_closing_early_needs_the_goal_and_five_working_days_of_notice():
    campaign = campaign_online("donation", business_date=LAUNCH, goal=Decimal("100"),
                               days_open=40)
    issuer = campaign.enterprise.representative
    refused("EARLY_CLOSE_REFUSED", campaign_close_early, issuer=issuer, campaign=campaign,
            deadline=date(2026, 3, 20), business_date=date(2026, 3, 9))
    pledge(campaign, backer_new(200_00), "150.00")
    # asked on Monday 9 March: five working days later is Monday 16 March, but the campaign
    # must stay open its 10 days at least (12 March) — the later of the two decides
    refused("EARLY_CLOSE_REFUSED", campaign_close_early, issuer=issuer, campaign=campaign,
            deadline=date(2026, 3, 13), business_date=date(2026, 3, 9))
    campaign_close_early(issuer=issuer, campaign=campaign, deadline=date(2026, 3, 16),
                         business_date=date(2026, 3, 9))
    campaign.refresh_from_db()
    assert campaign.deadline == date(2026, 3, 16)
    assert campaigns_settle_due(business_date=date(2026, 3, 16)) == 1
