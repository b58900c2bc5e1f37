"""Crowdfunding in a real browser, as in ``make run``: the demo investor reads the risks and
pledges on the demo's reward campaign, pledges on the donation campaign, cancels, pledges
again; the operator runs close of business on the deadline; the reward campaign is funded and
pays its first tranche to the issuer, who withdraws money through the custodian bank; the
donation campaign failed and gave every pledge back; then the ledger verifies and the
custodian's books agree with it."""

import re
from decimal import Decimal

import pytest

from puhui.devtools.demo_campaigns import TITLES
from tests.browser.test_lending_in_chromium import as_user, books_agree

pytestmark = pytest.mark.browser


def _available(page, server: str) -> Decimal:
    page.goto(f"{server}/wallet/")
    return Decimal(re.sub(r"[^\d.]", "", page.get_by_test_id("available").first.inner_text()))


def _campaign_url(page, server: str, title: str) -> str:
    page.goto(f"{server}/campaigns/")
    page.get_by_role("link", name=title).click()
    page.wait_for_load_state()
    return page.url


def _pledge(page, amount: str, *, tier: str = "") -> None:
    page.locator("input[name=amount]").fill(amount)
    if tier:
        page.locator("select[name=tier]").select_option(label=tier)
    page.get_by_test_id("pledge").click()
    page.wait_for_load_state()


def test_a_backer_pledges_and_the_campaign_pays_out_at_its_deadline(server_env, browser):
    server = server_env["PUHUI_BASE_URL"]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        as_user(page, server, "demo-investor")
        investor_before = _available(page, server)
        reward_url = _campaign_url(page, server, TITLES["reward"])
        page.get_by_test_id("acknowledge").click()
        page.wait_for_load_state()
        _pledge(page, "99", tier="Spring Longjing, 250 g")
        assert "Pledged, held in your wallet" in page.get_by_test_id("my-pledges").inner_text()
        deadline = page.get_by_test_id("deadline").locator("time").get_attribute("datetime")

        donation_url = _campaign_url(page, server, TITLES["donation"])
        page.get_by_test_id("acknowledge").click()
        page.wait_for_load_state()
        _pledge(page, "50")
        page.get_by_test_id("cancel-pledge").click()
        page.wait_for_load_state()
        assert "Cancelled" in page.get_by_test_id("my-pledges").inner_text()
        _pledge(page, "30")
        assert _available(page, server) == investor_before - 99 - 30  # held, not yet paid

        as_user(page, server, "demo-borrower")
        issuer_before = _available(page, server)
        as_user(page, server, "demo-operator")
        page.goto(f"{server}/operator/overdue/")
        page.locator("input[name=business_date]").fill(deadline)
        page.get_by_test_id("run-cob").click()
        page.wait_for_load_state()

        as_user(page, server, "demo-borrower")
        page.goto(reward_url)
        assert "Funded" in page.get_by_test_id("status").inner_text()
        # raised 998 + 2,000 + 198 + 99 = 3,295.00; fee 5 % = 164.75; 60 % of the 3,130.25
        # left is paid at funding: 1,878.15; the milestone's 1,252.10 stays in the escrow
        assert "1,252.10" in page.get_by_test_id("kept").inner_text()
        assert _available(page, server) == issuer_before + Decimal("1878.15")
        page.locator("input[name=amount]").fill("1000")
        page.get_by_test_id("withdraw").click()
        page.wait_for_load_state()
        assert _available(page, server) == issuer_before + Decimal("878.15")

        as_user(page, server, "demo-investor")
        page.goto(donation_url)
        assert "Did not reach its goal" in page.get_by_test_id("status").inner_text()
        # the reward's 99 is collected; the donation's 30 is back in the wallet
        assert _available(page, server) == investor_before - 99
        page.goto(f"{server}/investor/pledges/")
        statuses = page.get_by_test_id("pledges").inner_text()
        assert "Collected" in statuses
        assert "Released" in statuses
    finally:
        context.close()
    books_agree(server_env)
