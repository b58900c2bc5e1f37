"""After a reward campaign is funded: the backers' shipping addresses (sealed, shown masked),
the issuer's fulfilment steps in order, a late-delivery notice; the issuer's updates (to all,
or backers only) and the backers' comments with the issuer's answers; the issuer's page draws
the raise by day."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from puhui.core.pii import pii_decrypt
from puhui.crowdfunding.models import FulfilmentStatus
from puhui.crowdfunding.selectors import campaign_talk
from puhui.crowdfunding.services import campaign_settle
from puhui.crowdfunding.services.community import comment_answer, comment_post, update_post
from puhui.crowdfunding.services.fulfilment import (
    ADDRESS_CONTEXT,
    fulfilment_address,
    fulfilment_move,
    reward_late,
)
from puhui.crowdfunding.tests.test_campaign_flow import LAUNCH, pledge, refused
from puhui.devtools.campaign_world import backer_new, campaign_online
from puhui.devtools.world import enterprise_admitted
from puhui.notifications.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded():
    """The sampler (99.00, ships, expected 2027-04-15) for A, the card (20.00) for B."""
    campaign = campaign_online("reward", business_date=LAUNCH, goal=Decimal("100"))
    tiers = {t.price_fen: t for t in campaign.tiers.all()}
    a, b = backer_new(500_00, "reward"), backer_new(500_00, "reward")
    pledge(campaign, a, "99", tier=tiers[99_00].pk)
    pledge(campaign, b, "20", tier=tiers[20_00].pk)
    return campaign_settle(campaign=campaign, business_date=campaign.deadline), a, b, tiers


def test_a_reward_goes_from_address_to_delivery_one_step_at_a_time(funded):
    campaign, a, b, _tiers = funded
    issuer = campaign.enterprise.representative
    shipped = a.pledges.get().fulfilment
    card = b.pledges.get().fulfilment
    assert (shipped.status, card.status) == (FulfilmentStatus.ADDRESS_NEEDED,
                                             FulfilmentStatus.PREPARING)
    refused("NOT_YOUR_PLEDGE", fulfilment_address, backer=b, fulfilment=shipped,
            address="12 Lane, Hangzhou")
    fulfilment_address(backer=a, fulfilment=shipped, address="No. 18 Longjing Road, Hangzhou",
                       survey_answer="green tea, please")
    shipped.refresh_from_db()
    assert shipped.status == FulfilmentStatus.PREPARING
    assert "Longjing" not in shipped.address_masked
    assert pii_decrypt(shipped.address_sealed, context=ADDRESS_CONTEXT).endswith("Hangzhou")
    refused("FULFILMENT_OUT_OF_ORDER", fulfilment_move, issuer=issuer, fulfilment=shipped,
            status=FulfilmentStatus.DELIVERED)
    fulfilment_move(issuer=issuer, fulfilment=shipped, status=FulfilmentStatus.SHIPPED,
                    tracking="SF123")
    refused("REWARD_ON_ITS_WAY", fulfilment_address, backer=a, fulfilment=shipped,
            address="Somewhere else entirely")
    fulfilment_move(issuer=issuer, fulfilment=shipped, status=FulfilmentStatus.DELIVERED)
    refused("NOT_YOUR_CAMPAIGN", fulfilment_move, issuer=enterprise_admitted().representative,
            fulfilment=card, status=FulfilmentStatus.SHIPPED)


def test_a_late_reward_tells_its_backers_the_new_date(funded):
    campaign, a, b, tiers = funded
    issuer, sampler = campaign.enterprise.representative, tiers[99_00]
    refused("CAMPAIGN_INVALID", reward_late, issuer=issuer, tier=sampler,
            new_date=date(2027, 4, 15), reason="the press broke")  # not later
    assert reward_late(issuer=issuer, tier=sampler, new_date=date(2027, 5, 20),
                       reason="the press broke") == 1
    assert a.pledges.get().fulfilment.expected_on == date(2027, 5, 20)
    assert Notice.objects.filter(user=a, kind="crowdfunding.reward_late").count() == 1
    assert not Notice.objects.filter(user=b, kind="crowdfunding.reward_late").exists()


def test_updates_reach_backers_and_only_backers_comment(funded):
    campaign, a, b, _tiers = funded
    issuer, key = campaign.enterprise.representative, uuid.uuid4()
    for _twice in range(2):  # the form sent twice posts once
        update_post(issuer=issuer, campaign=campaign, title="Pressed", body="All pressed.",
                    backers_only=True, request_id=key)
    update_post(issuer=issuer, campaign=campaign, title="Thanks", body="To everyone.",
                backers_only=False, request_id=uuid.uuid4())
    assert Notice.objects.filter(kind="crowdfunding.update", user__in=[a, b]).count() == 4
    visitor = backer_new(10_00, "reward")
    assert [u.title for u in campaign_talk(campaign, user=visitor)["updates"]] == ["Thanks"]
    assert [u.title for u in campaign_talk(campaign, user=a)["updates"]] == ["Thanks", "Pressed"]
    refused("BACKERS_ONLY", comment_post, author=visitor, campaign=campaign, body="Hi",
            request_id=uuid.uuid4())
    question = comment_post(author=a, campaign=campaign, body="When does it ship?",
                            request_id=uuid.uuid4())
    refused("NOT_YOUR_CAMPAIGN", comment_answer, issuer=enterprise_admitted().representative,
            comment=question, answer="Never")
    assert comment_answer(issuer=issuer, comment=question, answer="In April.").answer == (
        "In April.")
    page = Client()
    page.force_login(issuer)
    assert 'data-testid="raise-chart"' in page.get("/issuer/campaigns/").content.decode()
    shown = page.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="fulfilments"' in shown
    assert "In April." in shown
