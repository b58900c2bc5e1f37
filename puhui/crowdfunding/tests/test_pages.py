"""The crowdfunding pages through Django's test client: an issuer drafts and submits, two
operators put the campaign online, a backer reads the risks, pledges (the form sent twice
pledges once), cancels; refusals are said on the page and change nothing."""

import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from puhui.crowdfunding.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from puhui.crowdfunding.services import MilestoneDraft, campaign_settle
from puhui.crowdfunding.tests.test_campaign_flow import pledge
from puhui.devtools.campaign_world import backer_new, campaign_online
from puhui.devtools.world import enterprise_admitted, operators
from puhui.ledger.models import Transfer

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_an_issuer_drafts_a_reward_campaign_and_two_operators_put_it_online():
    enterprise = enterprise_admitted()
    issuer = signed_in(enterprise.representative)
    page = issuer.get("/issuer/campaigns/")
    assert page.status_code == 200
    request_id = re.search(rb'name="request_id" value="([^"]+)"', page.content).group(1)
    form = {"request_id": request_id.decode(), "enterprise": enterprise.pk, "kind": "reward",
            "funding_model": "all_or_nothing", "title": "Anji tea", "summary": "A roaster.",
            "story": "We roast tea.", "risks": "Late harvest.", "use_of_funds": "A roaster.",
            "goal": "5000", "min_pledge": "10", "days_open": "30",
            "tier0_title": "Sampler", "tier0_description": "Five teas", "tier0_price": "99",
            "tier0_quantity": "50", "tier0_delivery": "2027-04-01"}
    assert issuer.post("/issuer/campaigns/", form).status_code == 302
    assert issuer.post("/issuer/campaigns/", form).status_code == 302  # sent twice: one draft
    campaign = Campaign.objects.get()
    assert campaign.tiers.get().quantity == 50
    assert issuer.post(f"/campaigns/{campaign.pk}/submit/").status_code == 302
    maker, checker = operators()
    assert signed_in(maker).post(f"/campaigns/{campaign.pk}/review/",
                                 {"reasons": "seen"}).status_code == 302
    same = signed_in(maker).post(f"/campaigns/{campaign.pk}/decision/", {"approve": "1"})
    assert same.status_code == 400
    assert b"refusal" in same.content
    assert signed_in(checker).post(f"/campaigns/{campaign.pk}/decision/",
                                   {"approve": "1"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ONLINE
    assert b"Anji tea" in Client().get("/campaigns/").content  # public


def test_a_backer_reads_the_risks_pledges_once_for_two_sends_and_cancels():
    campaign = campaign_online("reward")
    sampler = campaign.tiers.get(price_fen=99_00)
    backer = backer_new(1_000_00, "donation")  # not yet the risks of reward campaigns
    client = signed_in(backer)
    page = client.get(f"/campaigns/{campaign.pk}/")
    assert b'data-testid="risks-form"' in page.content
    assert b"pledge-form" not in page.content
    client.post(f"/campaigns/{campaign.pk}/risks/")
    page = client.get(f"/campaigns/{campaign.pk}/")
    request_id = re.search(rb'name="request_id" value="([^"]+)"', page.content).group(1)
    form = {"request_id": request_id.decode(), "amount": "198", "tier": sampler.pk,
            "quantity": "2", "name_shown": "on"}
    assert client.post(f"/campaigns/{campaign.pk}/pledge/", form).status_code == 302
    assert client.post(f"/campaigns/{campaign.pk}/pledge/", form).status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.amount_fen, pledge.quantity, pledge.name_shown) == (198_00, 2, True)
    page = client.get(f"/campaigns/{campaign.pk}/")
    assert b'data-testid="tier-left-' in page.content
    assert b">98<" in page.content
    assert b"Li Lei" in page.content  # named, as the backer chose
    transfers = Transfer.objects.count()
    too_much = client.post(f"/campaigns/{campaign.pk}/pledge/", {
        "request_id": str(uuid.uuid4()), "amount": "5000"})
    assert too_much.status_code == 400
    assert "balance is too low" in too_much.content.decode()
    assert Transfer.objects.count() == transfers
    assert Pledge.objects.count() == 1
    assert client.post(f"/pledges/{pledge.pk}/cancel/").status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CANCELLED
    assert client.get("/investor/pledges/").status_code == 200


def test_the_pages_speak_chinese_and_every_kind_shows_its_terms():
    equity = campaign_online("equity", goal=Decimal("500000"))
    debt = campaign_online("debt")
    client = Client(headers={"accept-language": "zh-hans"})
    page = client.get(f"/campaigns/{equity.pk}/").content.decode()
    assert "投前估值" in page
    assert "每股" in page
    assert "代持" in page
    page = client.get(f"/campaigns/{debt.pk}/").content.decode()
    assert "8.00 %" in page
    assert "等额本息" in page
    assert "众筹" in client.get("/campaigns/").content.decode()


def test_milestones_and_a_material_change_on_the_pages():
    """The issuer changes the terms (the backer reconfirms on the page); after funding the
    issuer sends evidence, one operator reviews and another approves on the page, which pays
    the tranche."""
    launch = date(2026, 3, 2)
    campaign = campaign_online(
        "donation", business_date=launch, goal=Decimal("100"), first_tranche_percent=Decimal(60),
        if_milestone_missed="refund", milestones=(MilestoneDraft(
            "Line bought", "The invoice", date(2026, 5, 1), Decimal(40)),))
    backer = backer_new(500_00, "donation")
    pledged = pledge(campaign, backer, "100")
    issuer = signed_in(campaign.enterprise.representative)
    answer = issuer.post(f"/campaigns/{campaign.pk}/change/", {
        "summary": "The line costs less.", "goal": "90"})
    assert answer.status_code == 302
    page = signed_in(backer).get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="material-change"' in page
    assert 'data-testid="reconfirm-pledge"' in page
    assert signed_in(backer).post(f"/pledges/{pledged.pk}/reconfirm/").status_code == 302
    pledged.refresh_from_db()
    assert pledged.status == PledgeStatus.PENDING
    campaign_settle(campaign=campaign, business_date=campaign.deadline)
    milestone = campaign.milestones.get()
    base = f"/campaigns/{campaign.pk}/milestones/{milestone.pk}"
    assert issuer.post(f"{base}/evidence/", {"evidence": ""}).status_code == 400
    assert issuer.post(f"{base}/evidence/", {"evidence": "Invoice 117"}).status_code == 302
    maker, checker = operators()
    assert "Line bought" in signed_in(maker).get("/operator/campaigns/").content.decode()
    assert signed_in(maker).post(f"{base}/review/", {"reasons": "ok"}).status_code == 302
    refused = signed_in(maker).post(f"{base}/decision/", {"approve": "1"})
    assert refused.status_code == 400  # the maker is not the checker
    assert signed_in(checker).post(f"{base}/decision/", {"approve": "1"}).status_code == 302
    milestone.refresh_from_db()
    # 100 raised, fee 5.00, net 95.00: 57.00 at funding, 38.00 on the milestone
    assert (milestone.status, milestone.tranche_fen) == ("released", 38_00)
    shown = signed_in(backer).get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="milestone-status-1"' in shown
