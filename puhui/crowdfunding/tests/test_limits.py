"""Who may back what, and how much: Reg CF's bands (us-regcf) and the SAC draft's qualified
investors (cn-2016), each at both sides of its threshold. Figures worked by hand from
17 CFR 227.100(a)(2) and the SAC draft of 2014."""

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from puhui.crowdfunding.limits import investor_limit_fen, qualified_by
from puhui.crowdfunding.models import Pledge
from puhui.crowdfunding.services import (
    PledgeRequest,
    campaign_create,
    pledge_cancel,
    pledges_place,
    standing_declare,
)
from puhui.crowdfunding.tests.test_campaign_flow import LAUNCH, pledge, refused
from puhui.devtools.campaign_world import backer_new, campaign_draft, campaign_online
from puhui.devtools.world import enterprise_admitted
from puhui.rulebook.selectors import rulebook_in_force

US = rulebook_in_force(rulebook_id="us-regcf", on=date(2026, 1, 1)).crowdfunding
CN = rulebook_in_force(rulebook_id="cn-2016", on=date(2026, 1, 1)).crowdfunding
D = Decimal


@pytest.mark.parametrize(("income", "net_worth", "accredited", "limit_fen"), [
    ("40000", "30000", False, 2_500_00),  # below: the greater of 2,500 and 5 % of 40,000
    ("60000", "30000", False, 3_000_00),  # below: 5 % of 60,000 = 3,000 beats the floor
    ("124000", "123999.99", False, 6_200_00),  # one figure below: 5 % of 124,000
    ("124000", "124000", False, 12_400_00),  # both at the threshold: 10 % of 124,000
    ("150000", "200000", False, 20_000_00),  # 10 % of the greater, 200,000
    ("2000000", "1300000", False, 124_000_00),  # 10 % is 200,000: capped at 124,000
    ("10000", "10000", True, None),  # accredited: no limit
])
def test_reg_cf_limits_on_both_sides_of_each_band(income, net_worth, accredited, limit_fen):
    assert US.investor_limits is not None
    assert investor_limit_fen(US.investor_limits, income=D(income), net_worth=D(net_worth),
                              accredited=accredited, currency="USD") == limit_fen


def test_a_limit_is_rounded_down_to_the_cent():
    assert US.investor_limits is not None
    # 5 % of 60,000.01 is 3,000.0005: 3,000.00, never a cent more
    assert investor_limit_fen(US.investor_limits, income=D("60000.01"), net_worth=D("1"),
                              accredited=False, currency="USD") == 3_000_00


@pytest.mark.parametrize(("institution", "net_worth", "assets", "income", "pledged", "test"), [
    (False, "0", "3000000", "0", "1000", "person_min_financial_assets"),
    (False, "0", "2999999.99", "0", "1000", ""),
    (False, "0", "0", "500000", "1000", "person_min_average_income_3_years"),
    (False, "0", "0", "499999.99", "1000", ""),
    (False, "0", "0", "0", "1000000", "min_investment_per_campaign"),
    (False, "0", "0", "0", "999999.99", ""),
    (True, "10000000", "0", "0", "1000", "institution_min_net_assets"),
    (True, "9999999.99", "5000000", "900000", "1000", ""),  # a person's tests do not apply
])
def test_qualified_investors_on_both_sides_of_each_test(institution, net_worth, assets, income,
                                                        pledged, test):
    assert CN.qualified_investors is not None
    assert qualified_by(CN.qualified_investors, institution=institution, net_worth=D(net_worth),
                        financial_assets=D(assets), average_income_3_years=D(income),
                        pledged_in_campaign=D(pledged)) == test


def test_cn_keeps_equity_to_at_most_200_qualified_investors_and_us_counts_it_in_the_limit():
    assert (CN.kinds.equity.backers, CN.kinds.equity.max_backers) == ("qualified", 200)
    assert not CN.kinds.equity.counts_toward_investor_limit
    assert US.kinds.equity.backers == "anyone"
    assert US.kinds.equity.counts_toward_investor_limit


@pytest.mark.django_db
def test_an_equity_campaign_takes_200_backers_and_not_201():
    """cn-2016 (SAC draft 2014): at most 200 backers; the 200th gets in, the 201st is refused
    until one of the 200 cancels; a backer already in may pledge again."""
    campaign = campaign_online("equity", business_date=LAUNCH)
    backers = [backer_new(2_000_00, "equity") for _ in range(201)]
    for backer in backers:  # qualified by their financial assets (CNY 3 M or more)
        standing_declare(backer=backer, accredited=False, financial_assets=Decimal("3000000"),
                         average_income_3_years=Decimal(0))
    outcomes = pledges_place(campaign=campaign, business_date=LAUNCH,
                             now=timezone.make_aware(datetime(2026, 3, 2, 12)), requests=[
        PledgeRequest(uuid.uuid4(), backer, Decimal("1000")) for backer in backers[:199]])
    assert [o.error for o in outcomes if o.error] == []
    pledge(campaign, backers[199], "1000")  # the 200th
    refused("BACKERS_FULL", pledge, campaign, backers[200], "1000")
    pledge(campaign, backers[0], "1000")  # one of the 200 again: still 200 backers
    assert Pledge.objects.filter(campaign=campaign).count() == 201
    first = Pledge.objects.filter(campaign=campaign, backer=backers[1]).get()
    pledge_cancel(backer=backers[1], pledge=first,
                  now=timezone.make_aware(datetime(2026, 3, 3, 12)))
    assert pledge(campaign, backers[200], "1000").backer_id == backers[200].pk


@pytest.mark.django_db
def test_reg_cf_keeps_an_offering_open_at_least_21_days(settings):
    """17 CFR 227.304(a): 20 days open is refused, 21 days is allowed (us-regcf)."""
    enterprise = enterprise_admitted()  # admitted under cn-2016's rules, as the others
    settings.PUHUI_RULEBOOK = "us-regcf"
    issuer = enterprise.representative
    refused("DAYS_OPEN_OUTSIDE_RULES", campaign_create, issuer=issuer, enterprise=enterprise,
            draft=campaign_draft("debt", days_open=20))
    made = campaign_create(issuer=issuer, enterprise=enterprise,
                           draft=campaign_draft("debt", days_open=21))
    assert (made.days_open, made.currency) == (21, "USD")
