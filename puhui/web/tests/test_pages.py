"""Pages: login, a home per role, role gates, and both languages."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from puhui.crowdfunding.models import Campaign, CampaignStatus, MilestoneStatus
from puhui.devtools.management.commands.demo import DEMO_USERS
from puhui.parties.models import User
from puhui.parties.tests.helpers import sign_in

pytestmark = pytest.mark.django_db

ROLE_PAGES = {"borrower": "/borrower/", "investor": "/investor/", "operator": "/operator/",
              "regulator": "/regulator/"}
TITLES = {"borrower": ("Borrower home", "借款人首页"), "investor": ("Investor home", "出借人首页"),
          "operator": ("Operator console", "运营控制台"), "regulator": ("Supervision", "监管视图")}


@pytest.fixture
def demo(db):
    call_command("demo", "--ledger-only", stdout=open("/dev/null", "w"))  # noqa: SIM115


def login(client: Client, role: str) -> None:
    _key, username, password, _role = next(u for u in DEMO_USERS if u[0] == role)
    sign_in(client, username, password)


def test_login_page_in_english_and_chinese(client):
    assert "<h1>Log in</h1>" in client.get("/login/").content.decode()
    zh = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>登录</h1>" in zh


@pytest.mark.parametrize("role", ROLE_PAGES)
def test_each_role_lands_on_its_home(client, demo, role):
    login(client, role)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == ROLE_PAGES[role]
    assert TITLES[role][0] in response.content.decode()


@pytest.mark.parametrize("role", ROLE_PAGES)
def test_other_roles_pages_are_forbidden(client, demo, role):
    login(client, role)
    for other, page in ROLE_PAGES.items():
        if other != role:
            assert client.get(page).status_code == 403


def test_anonymous_is_sent_to_login(client):
    for page in ROLE_PAGES.values():
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_wrong_password_is_refused_in_a_sentence(client, demo):
    response = client.post("/login/", {"username": "demo-investor", "password": "nope"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_language_switch_to_chinese_and_back(client, demo):
    login(client, "investor")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/investor/"})
    assert TITLES["investor"][1] in client.get("/investor/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/investor/"})
    assert TITLES["investor"][0] in client.get("/investor/").content.decode()


def test_investor_sees_own_wallet_with_exact_amounts(client, demo):
    login(client, "investor")
    page = client.get("/investor/").content.decode()
    # demo: deposit 50,000.00, 20,000.00 lent (posted: 30,000.00), a pending bid of
    # 10,000.00 → available 20,000.00
    assert "30,000.00 CNY" in page
    assert "20,000.00 CNY" in page


def test_operator_sees_a_balanced_ledger(client, demo):
    login(client, "operator")
    page = client.get("/operator/").content.decode()
    assert 'data-testid="balanced">yes' in page


def test_logout_ends_the_session(client, demo):
    login(client, "borrower")
    client.post("/logout/")
    assert client.get("/borrower/").status_code == 302
    assert User.objects.filter(username="demo-borrower").exists()


def test_the_api_documentation_needs_nothing_from_outside(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    script = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', html).group(1)
    assert client.get(script).status_code == 200


def test_a_refused_page_keeps_the_layout_in_both_languages(client, demo):
    login(client, "borrower")
    refused = client.get("/operator/")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "普惠 puhui" in html
    assert 'data-testid="forbidden"' in html
    assert 'data-testid="logout"' in html  # the navigation is there
    chinese = client.get("/operator/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "无权访问" in chinese


CHARTS = {"borrower": ["schedule-chart"], "investor": ["balance-chart", "grade-chart",
                                                      "industry-chart"],
          "operator": ["concentration-chart", "industry-chart", "reconciliation"],
          "regulator": ["concentration-chart", "industry-chart"]}


@pytest.mark.parametrize("role", ROLE_PAGES)
def test_each_home_draws_its_figures_with_a_text_alternative(client, demo, role):
    login(client, role)
    html = client.get(ROLE_PAGES[role]).content.decode()
    for testid in CHARTS[role]:
        assert f'data-testid="{testid}"' in html, testid
    if role != "operator" or "<svg" in html:
        assert 'role="img"' in html
        assert html.count("<title id=") == html.count("<svg")  # every chart has its title
    assert "<figcaption>" in html or role == "operator"


def test_the_borrower_and_investor_figures_add_up(client, demo):
    login(client, "borrower")
    borrower = client.get("/borrower/").content.decode()
    assert "20,000.00 CNY" in borrower.split('data-testid="outstanding">')[1][:40]
    client.logout()
    login(client, "investor")
    investor = client.get("/investor/").content.decode()
    assert "20,000.00 CNY" in investor.split('data-testid="invested">')[1][:40]
    # 50,000.00 deposited, 20,000.00 lent and 10,000.00 held by the open listing's bid
    assert "20,000.00 CNY" in investor.split('data-testid="cash">')[1][:40]


def test_a_visitor_sees_the_platform_and_its_live_listings(client, demo):
    page = client.get("/").content.decode()
    assert 'data-testid="live-listings"' in page
    assert "<progress" in page
    assert 'value="10"' in page  # the demo listing: 10,000 of 100,000 bid
    assert "puhui simulated custodian bank" in page


def test_the_demo_has_a_live_campaign_of_each_kind_and_one_paid_out(client, demo):
    online = set(Campaign.objects.filter(status=CampaignStatus.ONLINE).values_list("kind",
                                                                                   flat=True))
    assert online == {"donation", "reward", "debt", "equity"}
    roof = Campaign.objects.get(status=CampaignStatus.FUNDED)
    # 5,500 raised, fee 5 % = 275.00, net 5,225.00: 50 % = 2,612.50 paid at funding, the
    # milestones' 30 % and 20 % (1,567.50 and 1,045.00) kept in the escrow
    assert (roof.raised_fen, roof.fee_fen) == (5_500_00, 275_00)
    assert [(m.tranche_fen, m.status) for m in roof.milestones.order_by("position")] == [
        (1_567_50, MilestoneStatus.EVIDENCE), (1_045_00, MilestoneStatus.PLANNED)]
    login(client, "operator")
    queue = client.get("/operator/campaigns/").content.decode()
    assert "The frame stands" in queue
