"""A backer's 12-month crowdfunding limit and an issuer's cap, used across two platforms through
the registry running as its own process (Reg CF, the us-regcf rulebook). Platform A is this
test's platform, pledging through its services; platform B is a process of its own on its own
database (``tests/platform_b.py``), pledging through its own services, or — for the issuer's
cap and the race — the registry's second member speaking with the same client code. Figures
are worked by hand in the comments."""

import os
import subprocess
import sys
import threading
import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.crowdfunding.models import CampaignStatus, Pledge
from puhui.crowdfunding.services import (
    PledgeRequest,
    campaign_cancel,
    campaign_settle,
    pledge_cancel,
    pledge_place,
    risks_acknowledge,
)
from puhui.custody.ports import CustodyAccount
from puhui.devtools.campaign_world import BOLD_ANSWERS, campaign_online
from puhui.devtools.world import enterprise_admitted, investor_admitted
from puhui.ledger.models import Account
from puhui.ledger.tests.factories import fund
from puhui.lending.services.accounts import wallet_for
from puhui.parties.tests.factories import resident_id_new
from puhui.registry.client import RegistryClient, RegistryRefused, outbox_send
from puhui.registry.models import OutboxMessage
from tests.processes import ROOT

pytestmark = pytest.mark.django_db
LAUNCH = date(2026, 3, 2)  # a Monday


@pytest.fixture
def as_platform_a(registry, settings):
    settings.PUHUI_REGISTRY_URL = registry.url
    settings.PUHUI_REGISTRY_MEMBER = "platform-a"
    settings.PUHUI_REGISTRY_SECRET = registry.secrets["platform-a"]
    settings.PUHUI_CROWDFUNDING_LIMIT_HOLD = "puhui.registry.client.crowdfunding_limit_hold"
    settings.PUHUI_CROWDFUNDING_LIMIT_RESOLVE = "puhui.registry.client.crowdfunding_limit_resolve"
    return registry


@pytest.fixture
def platform_b(registry, migrated_platform_template, scratch_databases):
    """``pledge(resident id, amount)`` on platform B, in its own process and database."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "DATABASE_URL": scratch_databases.make(copy_of=migrated_platform_template),
        "DJANGO_SETTINGS_MODULE": "puhui.test_settings", "PUHUI_REGISTRY_URL": registry.url,
        "PUHUI_REGISTRY_MEMBER": "platform-b",
        "PUHUI_REGISTRY_SECRET": registry.secrets["platform-b"]}

    def pledge(resident_id: str, amount: str) -> str:
        done = subprocess.run([sys.executable, "tests/platform_b.py", resident_id, amount],
                              env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1]
    return pledge


@pytest.fixture
def under_reg_cf(settings):
    """Switches the platform to the us-regcf rulebook, which has crowdfunding's rules only:
    people and enterprises are admitted before, under cn-2016's."""
    return lambda: setattr(settings, "PUHUI_RULEBOOK", "us-regcf")


def _platform_b(registry) -> RegistryClient:
    return RegistryClient(registry.url, "platform-b", registry.secrets["platform-b"])


def _held_on_b(registry, purpose: str, kind: str, identity: str, reference: str, amount: str,
               limit: str) -> str:
    try:
        return _platform_b(registry).call("POST", "/limits", {
            "purpose": purpose, "subject_kind": kind, "subject_id": identity,
            "reference": reference, "amount": amount, "limit": limit,
            "currency": "USD"})["status"]
    except RegistryRefused as refused:
        return refused.code


def _backer(resident_id: str, usd: int):
    """Income 80,000 and net worth 60,000 USD, both under 124,000: the limit is
    max(2,500, 5 % × 80,000) = 4,000 USD (17 CFR 227.100(a)(2)(i))."""
    profile = investor_admitted(resident_id=resident_id, answers=dict(BOLD_ANSWERS),
                                declared_income_yuan=Decimal("80000"),
                                net_worth_yuan=Decimal("60000"))
    fund(wallet_for(owner=profile.user.ledger_owner, kind=CustodyAccount.INVESTOR_WALLET,
                    currency="USD"), usd * 100)
    for kind in ("debt", "equity"):
        risks_acknowledge(backer=profile.user, kind=kind)
    return profile.user


def _pledge(campaign, backer, amount: str) -> Pledge:
    return pledge_place(campaign=campaign, request=PledgeRequest(
        pledge_id=uuid.uuid4(), backer=backer, amount=Decimal(amount)), business_date=LAUNCH,
        now=timezone.make_aware(datetime(2026, 3, 2, 12)))


def _available_usd(backer) -> int:
    wallet = Account.objects.get(owner=backer.ledger_owner, currency="USD",
                                 kind=CustodyAccount.INVESTOR_WALLET)
    return wallet.credits_posted - wallet.debits_posted - wallet.debits_pending


def _refused(code: str, call, *args, **kwargs) -> PuhuiError:
    with pytest.raises(PuhuiError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def test_a_backer_s_limit_is_shared_by_both_platforms_at_each_side_of_the_line(
        as_platform_a, platform_b, under_reg_cf):
    resident_id = resident_id_new()
    backer, enterprise = _backer(resident_id, 10_000), enterprise_admitted()
    under_reg_cf()
    campaign = campaign_online("equity", enterprise=enterprise, business_date=LAUNCH,
                               min_pledge=Decimal("10"), price_per_share=Decimal("0.01"))
    # on platform B the same person pledges 3,000: 1,000 is left of 4,000
    assert platform_b(resident_id, "3000") == "held"
    before = _available_usd(backer)
    refusal = _refused("LIMIT_ACROSS_PLATFORMS", _pledge, campaign, backer, "1000.01")
    assert refusal.facts == {"limit": "4000.00 USD", "used": "3000.00 USD",
                             "left": "1000.00 USD"}
    assert (_available_usd(backer), Pledge.objects.count()) == (before, 0)  # nothing moved
    exactly = _pledge(campaign, backer, "1000")  # 3,000 + 1,000 = 4,000: at the limit, allowed
    assert exactly.reserved_across_platforms
    # now platform B cannot let the person use what platform A took, not even a cent
    assert platform_b(resident_id, "0.01") == "LIMIT_ACROSS_PLATFORMS"
    # a cancel on A frees the 1,000 at the registry (sent after commit, through the outbox)
    pledge_cancel(backer=backer, pledge=exactly,
                  now=timezone.make_aware(datetime(2026, 3, 3, 12)))
    outbox_send()
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert platform_b(resident_id, "1000") == "held"


def test_pledges_collected_count_for_12_months_and_failed_ones_are_released(
        as_platform_a, under_reg_cf):
    resident_id = resident_id_new()
    backer, enterprise = _backer(resident_id, 10_000), enterprise_admitted()
    under_reg_cf()
    funded = campaign_online("debt", enterprise=enterprise, business_date=LAUNCH,
                             goal=Decimal("1000"), maximum=Decimal("5000"),
                             min_pledge=Decimal("100"))
    failing = campaign_online("debt", enterprise=enterprise, business_date=LAUNCH,
                              goal=Decimal("50000"), maximum=Decimal("60000"),
                              min_pledge=Decimal("100"))
    _pledge(funded, backer, "1500")
    _pledge(failing, backer, "2500")  # 1,500 + 2,500 = the whole 4,000
    campaign_settle(campaign=funded, business_date=funded.deadline)
    campaign_settle(campaign=failing, business_date=failing.deadline)
    outbox_send()
    funded.refresh_from_db(), failing.refresh_from_db()
    assert (funded.status, failing.status) == (CampaignStatus.FUNDED, CampaignStatus.FAILED)
    # collected 1,500 still counts; the failed 2,500 is free: 2,500 left, not a cent more
    assert _held_on_b(as_platform_a, "investment", "person", resident_id, "b-1", "2500.01",
                      "4000") == "OVER_CROSS_PORTAL_LIMIT"
    assert _held_on_b(as_platform_a, "investment", "person", resident_id, "b-2", "2500",
                      "4000") == "held"


def test_an_issuer_s_cap_is_shared_by_both_platforms(as_platform_a, under_reg_cf):
    enterprise = enterprise_admitted()
    under_reg_cf()
    # platform B is raising 4,900,000 for the same issuer; the cap is 5,000,000
    assert _held_on_b(as_platform_a, "raise", "enterprise", enterprise.uscc, "b-campaign",
                      "4900000", "5000000") == "held"
    with pytest.raises(PuhuiError) as over:
        campaign_online("debt", enterprise=enterprise, business_date=LAUNCH,
                        goal=Decimal("100000"), maximum=Decimal("100000.01"))
    assert over.value.code == "ISSUER_CAP_ACROSS_PLATFORMS"
    assert over.value.facts["left"] == "100000.00 USD"
    assert not enterprise.campaigns.filter(status=CampaignStatus.ONLINE).exists()
    exactly = campaign_online("debt", enterprise=enterprise, business_date=LAUNCH,
                              goal=Decimal("50000"), maximum=Decimal("100000"))
    assert exactly.cap_reserved_fen == 100_000_00
    assert _held_on_b(as_platform_a, "raise", "enterprise", enterprise.uscc, "b-2", "0.01",
                      "5000000") == "OVER_CROSS_PORTAL_LIMIT"
    campaign_cancel(user=enterprise.representative, campaign=exactly, reasons="changed plans")
    outbox_send()
    assert _held_on_b(as_platform_a, "raise", "enterprise", enterprise.uscc, "b-3",
                      "100000", "5000000") == "held"


def test_both_platforms_racing_for_one_backer_s_limit_never_pass_it(as_platform_a):
    """16 threads, 8 per platform, each reserving 600 of a 4,000 limit: 6 fit (3,600), 10
    are refused, whichever platform asks first."""
    resident_id = resident_id_new()
    clients = {code: RegistryClient(as_platform_a.url, code, as_platform_a.secrets[code])
               for code in ("platform-a", "platform-b")}
    outcomes: list[str] = []

    def reserve(code: str, number: int) -> None:
        try:
            clients[code].call("POST", "/limits", {
                "purpose": "investment", "subject_kind": "person", "subject_id": resident_id,
                "reference": f"pledge-{number}", "amount": "600", "limit": "4000",
                "currency": "USD"})
            outcomes.append("held")
        except RegistryRefused as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=reserve, args=(code, n))
               for n in range(8) for code in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["OVER_CROSS_PORTAL_LIMIT"] * 10 + ["held"] * 6
