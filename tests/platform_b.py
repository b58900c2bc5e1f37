"""Platform B as a process of its own, on its own database, for
``tests/test_crowdfunding_across_platforms.py``: the same person, admitted here too, pledges on
a Reg CF debt campaign of platform B through platform B's services, which reserve the pledge
at the shared registry (``PUHUI_REGISTRY_URL`` and this member's code and secret come from the
environment). Prints ``held`` or the refusal's code.

    python tests/platform_b.py <resident id> <amount in USD>
"""

import os
import sys
import uuid
from datetime import date, datetime
from decimal import Decimal

import django

LAUNCH = date(2026, 3, 2)


def _world(resident_id: str):
    """This platform's backer and campaign: made on the first run, found on the next."""
    from puhui.crowdfunding.models import Campaign
    from puhui.crowdfunding.services import risks_acknowledge
    from puhui.custody.ports import CustodyAccount
    from puhui.devtools.campaign_world import BOLD_ANSWERS, campaign_online
    from puhui.devtools.world import enterprise_admitted, investor_admitted
    from puhui.ledger.tests.factories import fund
    from puhui.lending.services.accounts import wallet_for
    from puhui.parties.models import InvestorProfile

    profile = InvestorProfile.objects.first()
    campaign = Campaign.objects.first()
    if profile is None:
        profile = investor_admitted(resident_id=resident_id, answers=dict(BOLD_ANSWERS),
                                    declared_income_yuan=Decimal("80000"),
                                    net_worth_yuan=Decimal("60000"))
        fund(wallet_for(owner=profile.user.ledger_owner, kind=CustodyAccount.INVESTOR_WALLET,
                        currency="USD"), 10_000_00)
        risks_acknowledge(backer=profile.user, kind="debt")
        enterprise = enterprise_admitted()
        os.environ["PUHUI_RULEBOOK"] = "us-regcf"
        from django.conf import settings
        settings.PUHUI_RULEBOOK = "us-regcf"
        campaign = campaign_online("debt", enterprise=enterprise, business_date=LAUNCH,
                                   goal=Decimal("1000"), maximum=Decimal("50000"),
                                   min_pledge=Decimal("0.01"))
    return profile.user, campaign


def main(resident_id: str, amount: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.test_settings")
    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from puhui.core.errors import PuhuiError
    from puhui.crowdfunding.services import PledgeRequest, pledge_place

    backer, campaign = _world(resident_id)
    settings.PUHUI_RULEBOOK = "us-regcf"
    try:
        pledge_place(campaign=campaign, business_date=LAUNCH,
                     now=timezone.make_aware(datetime(2026, 3, 2, 12)),
                     request=PledgeRequest(uuid.uuid4(), backer, Decimal(amount)))
    except PuhuiError as error:
        print(error.code)
        return
    print("held")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
