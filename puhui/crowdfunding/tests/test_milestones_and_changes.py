"""Milestone tranches and material changes, with the money followed on the ledger (cn-2016: fee
5 %, reconfirmation within 5 working days on the Chinese calendar, votes for 10). Figures are
worked by hand in the comments."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from puhui.crowdfunding.models import (
    CampaignStatus,
    Milestone,
    MilestoneStatus,
    PledgeStatus,
)
from puhui.crowdfunding.services import (
    MaterialChange,
    MilestoneDraft,
    campaign_change,
    campaign_settle,
    milestone_decide,
    milestone_evidence_send,
    milestone_mark_reviewed,
    milestone_vote,
    milestones_due,
    pledge_reconfirm,
    pledges_lapse_due,
)
from puhui.crowdfunding.tests.test_campaign_flow import LAUNCH, pledge, refused, wallet_fen
from puhui.custody.ports import CustodyAccount
from puhui.devtools.campaign_world import backer_new, campaign_online
from puhui.devtools.world import operators
from puhui.ledger.models import Account
from puhui.ledger.selectors import ledger_verify

pytestmark = pytest.mark.django_db
M1_DUE, M2_DUE = date(2026, 5, 1), date(2026, 6, 1)  # the raise ends on 2026-04-01


def _campaign(if_missed: str):
    return campaign_online(
        "donation", business_date=LAUNCH, goal=Decimal("1000"), first_tranche_percent=Decimal(40),
        if_milestone_missed=if_missed, milestones=(
            MilestoneDraft("Roasting line bought", "The invoice and a photo", M1_DUE,
                           Decimal(35)),
            MilestoneDraft("First tea shipped", "Delivery notes to the shops", M2_DUE,
                           Decimal(25))))


def _funded(if_missed: str):
    """A pledges 333.33 and B 666.68: raised 1,000.01, fee 5 % = 50.0005 → 50.00, net 950.01.
    Split 40/35/25 % by largest remainder: 380.004 | 332.5035 | 237.5025 → 380.00, 332.50,
    237.50 (95,000 fen) and the one fen left goes to the largest remainder, the first tranche:
    380.01 paid at funding, 332.50 and 237.50 kept in the escrow."""
    campaign = _campaign(if_missed)
    a, b = backer_new(1_000_00, "donation"), backer_new(1_000_00, "donation")
    pledge(campaign, a, "333.33")
    pledge(campaign, b, "666.68")
    campaign = campaign_settle(campaign=campaign, business_date=campaign.deadline)
    return campaign, a, b


def _issuer_fen(campaign) -> int:
    return wallet_fen(f"enterprise:{campaign.enterprise_id}", CustodyAccount.BORROWER_WALLET)


def _escrow_fen(campaign) -> int:
    escrow = Account.objects.get(pk=campaign.escrow_account_id)
    return escrow.credits_posted - escrow.debits_posted


def _milestone(campaign, position: int) -> Milestone:
    return campaign.milestones.get(position=position)


def test_the_first_tranche_is_paid_at_funding_and_a_met_milestone_after_two_operators():
    campaign, _a, _b = _funded("refund")
    assert campaign.status == CampaignStatus.FUNDED
    assert [m.tranche_fen for m in campaign.milestones.order_by("position")] == [33250, 23750]
    assert (_issuer_fen(campaign), _escrow_fen(campaign)) == (38001, 57000)
    first = _milestone(campaign, 1)
    refused("MILESTONE_NOT_IN_STATE", milestone_evidence_send,  # milestones go in order
            issuer=campaign.enterprise.representative, milestone=_milestone(campaign, 2),
            evidence="shipped")
    milestone_evidence_send(issuer=campaign.enterprise.representative, milestone=first,
                            evidence="Invoice 2026-117 and the machine in place")
    maker, checker = operators()
    milestone_mark_reviewed(reviewer=maker, milestone=first, note="invoice matches")
    refused("SAME_OPERATOR_CANNOT_APPROVE", milestone_decide, approver=maker, milestone=first,
            approve=True, reasons="")
    assert _issuer_fen(campaign) == 38001  # nothing moved before the second operator
    milestone_decide(approver=checker, milestone=first, approve=True, reasons="",
                     business_date=date(2026, 4, 20))
    # 380.01 + 332.50 = 712.51 to the issuer; 237.50 still in the escrow
    assert (_issuer_fen(campaign), _escrow_fen(campaign)) == (71251, 23750)
    assert ledger_verify().ok


def test_a_missed_milestone_refunds_the_rest_pro_rata_and_the_splits_add_up():
    campaign, a, b = _funded("refund")
    before = wallet_fen(a.ledger_owner), wallet_fen(b.ledger_owner)
    milestones_due(business_date=M1_DUE)  # due that day: not missed yet
    assert _milestone(campaign, 1).status == MilestoneStatus.PLANNED
    milestones_due(business_date=M1_DUE + timedelta(days=1))
    # the rest, 332.50 + 237.50 = 570.00, by 33,333 : 66,668 →
    # 189.9962… and 380.0037… → 189.99 and 380.00; the fen left to A's larger remainder: 190.00
    refunds = (wallet_fen(a.ledger_owner) - before[0], wallet_fen(b.ledger_owner) - before[1])
    assert refunds == (19000, 38000)
    assert sum(refunds) == 57000
    assert _escrow_fen(campaign) == 0
    assert set(campaign.milestones.values_list("status", flat=True)) == {MilestoneStatus.REFUNDED}
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert ledger_verify().ok


def test_backers_vote_on_a_missed_milestone_weighted_by_what_they_put_in():
    campaign, a, b = _funded("vote")
    milestones_due(business_date=M1_DUE + timedelta(days=1))  # Saturday 2026-05-02
    first = _milestone(campaign, 1)
    # 10 working days on the Chinese calendar from 2 May 2026 (1–5 May are holidays, 9 May a
    # working Saturday): 6, 7, 8, 9, 11, 12, 13, 14, 15, 18 May
    assert (first.status, first.vote_until) == (MilestoneStatus.VOTING, date(2026, 5, 18))
    milestone_vote(backer=a, milestone=first, release=False, business_date=date(2026, 5, 18))
    milestone_vote(backer=b, milestone=first, release=True, business_date=date(2026, 5, 18))
    refused("MILESTONE_NOT_IN_STATE", milestone_vote, backer=a, milestone=first, release=True,
            business_date=date(2026, 5, 19))  # the vote is over
    refused("NOT_A_BACKER", milestone_vote, backer=backer_new(1, "donation"),
            milestone=first, release=True, business_date=date(2026, 5, 18))
    milestones_due(business_date=date(2026, 5, 18))  # counted only after the last day
    assert _milestone(campaign, 1).status == MilestoneStatus.VOTING
    milestones_due(business_date=date(2026, 5, 19))
    # release 666.68 > refund 333.33: the tranche of 332.50 goes to the issuer
    assert _milestone(campaign, 1).status == MilestoneStatus.RELEASED
    assert (_issuer_fen(campaign), _escrow_fen(campaign)) == (71251, 23750)


def test_a_material_change_needs_every_backer_to_reconfirm_within_5_working_days():
    campaign = campaign_online("donation", business_date=LAUNCH, goal=Decimal("1000"))
    kept, dropped = backer_new(500_00, "donation"), backer_new(500_00, "donation")
    kept_pledge, dropped_pledge = pledge(campaign, kept, "300"), pledge(campaign, dropped, "200")
    issuer = campaign.enterprise.representative
    refused("CAMPAIGN_INVALID", campaign_change, issuer=issuer, campaign=campaign,
            change=MaterialChange(summary="nothing really", goal=Decimal("1000")))
    change = campaign_change(issuer=issuer, campaign=campaign, business_date=LAUNCH,
                             change=MaterialChange(summary="A smaller first batch.",
                                                   goal=Decimal("800"),
                                                   use_of_funds="Roasting line 80 %"))
    # Monday 2 March + 5 working days: 3, 4, 5, 6, 9 March
    assert change.reconfirm_by == date(2026, 3, 9)
    assert change.fields["goal_fen"] == ["100000", "80000"]
    kept_pledge.refresh_from_db()
    assert kept_pledge.status == PledgeStatus.RECONFIRM
    pledge_reconfirm(backer=kept, pledge=kept_pledge, business_date=date(2026, 3, 9))  # last day
    assert pledges_lapse_due(business_date=date(2026, 3, 9)) == 0  # still inside the window
    assert wallet_fen(dropped.ledger_owner) == 300_00
    assert pledges_lapse_due(business_date=date(2026, 3, 10)) == 1
    dropped_pledge.refresh_from_db()
    assert dropped_pledge.status == PledgeStatus.LAPSED
    assert wallet_fen(dropped.ledger_owner) == 500_00  # the 200 is free again
    refused("PLEDGE_NOT_RECONFIRMABLE", pledge_reconfirm, backer=dropped, pledge=dropped_pledge,
            business_date=date(2026, 3, 10))
    # the kept pledge counts at the deadline
    campaign.refresh_from_db()
    assert campaign.goal_fen == 80000
    pledge(campaign, backer_new(600_00, "donation"), "500", pledge_id=uuid.uuid4(),
           day=date(2026, 3, 11))
    settled = campaign_settle(campaign=campaign, business_date=campaign.deadline)
    assert (settled.status, settled.raised_fen) == (CampaignStatus.FUNDED, 800_00)


def test_milestone_terms_are_checked_when_drafted_and_when_going_online():
    def drafted(first: str, shares: tuple[str, ...], due: tuple[date, ...] = (M1_DUE, M2_DUE)):
        return campaign_online("donation", business_date=LAUNCH, goal=Decimal("1000"),
                               first_tranche_percent=Decimal(first), if_milestone_missed="vote",
                               milestones=tuple(MilestoneDraft(f"M{n}", "evidence", day,
                                                               Decimal(share))
                                                for n, (share, day) in enumerate(
                                                    zip(shares, due, strict=True))))
    refused("CAMPAIGN_INVALID", drafted, "40", ("35", "25.01"))  # 100.01 %
    refused("CAMPAIGN_INVALID", drafted, "40", ("35", "24.99"))  # 99.99 %
    refused("CAMPAIGN_INVALID", drafted, "40", ("35", "25.001"))  # not to two decimals
    refused("CAMPAIGN_INVALID", drafted, "40", ("35", "25"), (M2_DUE, M1_DUE))  # out of order
    # the raise ends on 2026-04-01: a milestone due that day is refused, the next day is not
    refused("CAMPAIGN_INVALID", drafted, "40", ("35", "25"), (date(2026, 4, 1), M2_DUE))
    assert drafted("40", ("35", "25"), (date(2026, 4, 2), M2_DUE)).status == CampaignStatus.ONLINE
    refused("CAMPAIGN_INVALID", drafted, "99.99", (), ())  # without milestones: 100 % at funding
