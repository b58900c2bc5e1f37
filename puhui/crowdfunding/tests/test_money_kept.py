"""Hypothesis: random pledges, cancels, material changes with reconfirmations or lapses, the
deadline, then a milestone met or missed. After every step no fen is made or lost: what the
backers' wallets, the campaign's escrow, the issuer's wallet and the platform's fee income
hold adds up to what the backers deposited; what the escrow holds pending is exactly the live
pledges; after the end nothing is pending; and the ledger verifies."""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.core.errors import PuhuiError
from puhui.crowdfunding.models import PLEDGE_LIVE, CampaignStatus, Pledge, PledgeStatus
from puhui.crowdfunding.services import (
    MaterialChange,
    MilestoneDraft,
    PledgeRequest,
    campaign_change,
    campaign_settle,
    milestone_decide,
    milestone_evidence_send,
    milestone_mark_reviewed,
    milestones_due,
    pledge_cancel,
    pledge_place,
    pledge_reconfirm,
    pledges_lapse_due,
)
from puhui.custody.ports import CustodyAccount
from puhui.devtools.campaign_world import backer_new, campaign_online
from puhui.devtools.world import enterprise_admitted, operators
from puhui.ledger.models import Account
from puhui.ledger.selectors import ledger_verify
from puhui.lending.ports import LendingAccount

pytestmark = pytest.mark.django_db
LAUNCH = date(2026, 3, 2)  # Monday; the raise ends on 2026-04-01
NOON = timezone.make_aware(datetime(2026, 3, 2, 12))
DEPOSIT_FEN = 300_00
BACKERS = 3

steps = st.lists(st.one_of(
    st.tuples(st.just("pledge"), st.integers(0, BACKERS - 1), st.integers(1_00, 250_00)),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("change"), st.integers(100, 600)),
    st.tuples(st.just("reconfirm"), st.integers(0, 20)),
    st.tuples(st.just("lapse")),
), max_size=12)


def _posted(account: Account) -> int:
    account.refresh_from_db()
    return account.credits_posted - account.debits_posted


class _Books:
    """The accounts one example's money can be in."""

    def __init__(self, campaign, backers) -> None:
        self.campaign, self.backers = campaign, backers
        self.wallets = [Account.objects.get(owner=b.ledger_owner,
                                            kind=CustodyAccount.INVESTOR_WALLET) for b in backers]
        self.escrow = Account.objects.get(pk=campaign.escrow_account_id)
        self.fee = Account.objects.filter(kind=LendingAccount.PLATFORM_FEE_INCOME).first()
        self.fee_before = _posted(self.fee) if self.fee else 0

    def check(self) -> None:
        issuer = Account.objects.filter(owner=f"enterprise:{self.campaign.enterprise_id}",
                                        kind=CustodyAccount.BORROWER_WALLET).first()
        fee = Account.objects.filter(kind=LendingAccount.PLATFORM_FEE_INCOME).first()
        total = (sum(_posted(w) for w in self.wallets) + _posted(self.escrow)
                 + (_posted(issuer) if issuer else 0)
                 + ((_posted(fee) - self.fee_before) if fee else 0))
        assert total == BACKERS * DEPOSIT_FEN
        live = sum(p.amount_fen for p in Pledge.objects.filter(campaign=self.campaign,
                                                               status__in=PLEDGE_LIVE))
        assert self.escrow.credits_pending == live
        assert sum(w.debits_pending for w in self.wallets) == live


def _step(step: tuple, books: _Books, pledges: list, today: list[date]) -> None:
    campaign, backers = books.campaign, books.backers
    name = step[0]
    try:
        if name == "pledge":
            pledges.append(pledge_place(campaign=campaign, business_date=today[0], now=NOON,
                                        request=PledgeRequest(uuid.uuid4(), backers[step[1]],
                                                              Decimal(step[2]) / 100)))
        elif name == "cancel" and pledges:
            pledge = pledges[step[1] % len(pledges)]
            pledge_cancel(backer=pledge.backer, pledge=pledge, now=NOON)
        elif name == "change":
            campaign_change(issuer=campaign.enterprise.representative, campaign=campaign,
                            business_date=today[0], change=MaterialChange(
                                summary="new goal", goal=Decimal(step[1])))
        elif name == "reconfirm" and pledges:
            pledge = pledges[step[1] % len(pledges)]
            pledge_reconfirm(backer=pledge.backer, pledge=pledge, business_date=today[0])
        elif name == "lapse":
            today[0] += timedelta(days=8)  # past any reconfirmation due so far
            pledges_lapse_due(business_date=today[0])
    except PuhuiError:
        pass  # a refusal changes nothing; the books say so below


def _end(books: _Books, milestone_met: bool) -> None:
    campaign = campaign_settle(campaign=books.campaign, business_date=books.campaign.deadline)
    books.check()
    if campaign.status != CampaignStatus.FUNDED:
        return
    milestone = campaign.milestones.get()
    if milestone_met:
        maker, checker = operators()
        milestone_evidence_send(issuer=campaign.enterprise.representative, milestone=milestone,
                                evidence="done")
        milestone_mark_reviewed(reviewer=maker, milestone=milestone)
        milestone_decide(approver=checker, milestone=milestone, approve=True, reasons="")
    else:
        milestones_due(business_date=milestone.due_on + timedelta(days=1))
    books.check()
    assert _posted(books.escrow) == 0  # everything paid out or refunded


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps, goal=st.integers(50, 500), milestone_met=st.booleans())
def test_no_fen_is_made_or_lost(steps, goal, milestone_met):
    campaign = campaign_online(
        "donation", enterprise=enterprise_admitted(), business_date=LAUNCH,
        goal=Decimal(goal), min_pledge=Decimal(1), first_tranche_percent=Decimal("33.33"),
        if_milestone_missed="refund", milestones=(MilestoneDraft(
            "Done", "evidence", date(2026, 6, 1), Decimal("66.67")),))
    backers = [backer_new(DEPOSIT_FEN, "donation") for _ in range(BACKERS)]
    books, pledges, today = _Books(campaign, backers), [], [LAUNCH]
    for step in steps:
        _step(step, books, pledges, today)
        campaign.refresh_from_db()
        books.check()
    _end(books, milestone_met)
    assert not Pledge.objects.filter(campaign=campaign, status__in=PLEDGE_LIVE).exists()
    assert set(Pledge.objects.filter(campaign=campaign).values_list("status", flat=True)) <= {
        PledgeStatus.CANCELLED, PledgeStatus.LAPSED, PledgeStatus.COLLECTED,
        PledgeStatus.RELEASED}
    assert ledger_verify().ok
