"""The crowdfunding pages through Django's test client: an issuer drafts and submits, two
operators put the campaign online, a backer reads the risks, pledges (the form sent twice
pledges once), cancels; refusals are said on the page and change nothing."""

import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from puhui.crowdfunding.models import Campaign, CampaignStatus, Pledge, PledgeStatus
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
