"""An oversubscribed capped raise shared out by the ballot, then checked from what the platform
publishes alone: the seed matches the commitment made at launch, and the rule recomputed here
(independently of ``crowdfunding.ballot``) gives every pledge what the ledger collected."""

import hashlib
import json
from decimal import Decimal

import pytest
from django.test import Client

from puhui.crowdfunding.models import CampaignStatus, Pledge, PledgeStatus
from puhui.crowdfunding.services import campaign_create, campaign_settle
from puhui.crowdfunding.tests.test_campaign_flow import LAUNCH, pledge, refused, wallet_fen
from puhui.devtools.campaign_world import backer_new, campaign_draft, campaign_online
from puhui.devtools.world import enterprise_admitted
from puhui.ledger.selectors import ledger_verify

pytestmark = pytest.mark.django_db


def _recomputed(published: dict) -> dict[str, int]:
    left, given = published["maximum"], {}
    ordered = sorted(published["pledges"], key=lambda p: hashlib.sha256(
        f"{published['seed']}:{p['id']}".encode()).hexdigest())
    for p in ordered:
        share = min(p["amount"], left // published["unit"] * published["unit"])
        given[p["id"]], left = share, left - share
    return given


def test_five_pledges_of_600_share_a_maximum_of_2000_by_the_ballot():
    campaign = campaign_online("donation", business_date=LAUNCH, goal=Decimal("1000"),
                               maximum=Decimal("2000"), min_pledge=Decimal("100"),
                               allocation="ballot")
    before = json.loads(Client().get(f"/campaigns/{campaign.pk}/ballot.json").content)
    assert len(before["commitment"]) == 64
    assert (before["seed"], before["pledges"]) == (None, [])  # nothing revealed before the end
    backers = [backer_new(1_000_00, "donation") for _ in range(5)]
    for backer in backers:  # 3,000 pledged: more than the maximum, none refused
        pledge(campaign, backer, "600")
    settled = campaign_settle(campaign=campaign, business_date=campaign.deadline)
    assert (settled.status, settled.raised_fen) == (CampaignStatus.FUNDED, 2000_00)
    published = json.loads(Client().get(f"/campaigns/{campaign.pk}/ballot.json").content)
    assert hashlib.sha256(published["seed"].encode()).hexdigest() == before["commitment"]
    allocated = _recomputed(published)
    # three in full (1,800), the fourth the 200 left, the fifth nothing
    assert sorted(allocated.values()) == [0, 200_00, 600_00, 600_00, 600_00]
    for p in Pledge.objects.filter(campaign=campaign).select_related("backer"):
        assert p.allocated_fen == allocated[str(p.pk)]
        assert wallet_fen(p.backer.ledger_owner) == 1_000_00 - p.allocated_fen  # the rest free
        assert p.status == (PledgeStatus.COLLECTED if p.allocated_fen else PledgeStatus.RELEASED)
    # the fee is 5 % of 2,000: 100.00; the issuer is paid 1,900.00
    assert settled.fee_fen == 100_00
    assert wallet_fen(f"enterprise:{campaign.enterprise_id}", "borrower_wallet") == 1900_00
    assert ledger_verify().ok


def test_a_ballot_needs_a_maximum_and_no_rewards():
    enterprise = enterprise_admitted()
    for kind, fields in (("debt", {"maximum": None}), ("reward", {"maximum": Decimal("60000")})):
        refused("CAMPAIGN_INVALID", campaign_create, issuer=enterprise.representative,
                enterprise=enterprise, draft=campaign_draft(kind, allocation="ballot", **fields))
