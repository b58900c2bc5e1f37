"""Pledging over the API: created once for one id, refusals with stable codes and sentences in
English and Chinese, bad input a 400 that changes nothing."""

import json
import uuid

import pytest
from django.test import Client

from puhui.crowdfunding.models import Pledge, PledgeStatus
from puhui.devtools.campaign_world import backer_new, campaign_online
from puhui.devtools.world import user_new
from puhui.ledger.models import Transfer
from puhui.parties.models import Role
from puhui.parties.services import api_token_create

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    _token, secret = api_token_create(user=user, name="test")
    return Client(headers={"authorization": f"Bearer {secret}"})


def post(client: Client, path: str, body: dict):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_pledging_over_the_api():
    campaign = campaign_online("reward")
    sampler = campaign.tiers.get(price_fen=99_00)
    client = as_user(backer_new(300_00, "reward"))
    path = f"/api/v1/crowdfunding/campaigns/{campaign.pk}/pledges"
    key = str(uuid.uuid4())
    body = {"id": key, "amount": "99.00", "tier_id": sampler.pk}
    first, again = post(client, path, body), post(client, path, body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["status"] == PledgeStatus.PENDING
    assert Pledge.objects.count() == 1
    shown = client.get(f"/api/v1/crowdfunding/campaigns/{campaign.pk}").json()
    assert shown["pledged"] == "99.00"
    assert shown["backers"] == 1
    assert {t["price"]: t["left"] for t in shown["tiers"]}["99.00"] == 99

    transfers = Transfer.objects.count()
    refused = post(client, path, {"id": str(uuid.uuid4()), "amount": "500.00"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "PLEDGE_OVER_WALLET"
    assert "余额不足" in refused.json()["message_zh"]
    bad = post(client, path, {"id": "not-a-uuid", "amount": "-1"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "INVALID_INPUT"
    assert Transfer.objects.count() == transfers
    assert Pledge.objects.count() == 1

    cancelled = post(client, f"/api/v1/crowdfunding/pledges/{key}/cancel", {})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == PledgeStatus.CANCELLED
    assert client.get("/api/v1/crowdfunding/pledges").json()[0]["id"] == key
    borrower = as_user(user_new(Role.BORROWER))
    assert post(borrower, path, {"id": str(uuid.uuid4()), "amount": "10"}).status_code == 403
