"""A loan from application to full repayment in a real browser, as in ``make run``: the demo
borrower applies, two operators review and approve, one publishes, the demo investor lends,
the listing funds, the borrower repays everything early; then the ledger verifies and the
custodian bank's books agree with it."""

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from puhui.devtools.management.commands.demo import DEMO_USERS
from tests.browser.conftest import ROOT, sign_in

pytestmark = pytest.mark.browser


def password(username: str) -> str:
    return next(u[2] for u in DEMO_USERS if u[1] == username)


def as_user(page, server: str, username: str) -> None:
    if page.get_by_test_id("logout").count():
        page.get_by_test_id("logout").click()
        page.wait_for_url(f"{server}/login/")
    sign_in(page, server, username, password(username))


def funded_loan_page(page, server: str, *, amount: str, method: str) -> str:
    """Apply as the demo borrower, review and approve as the two operators, publish, lend as
    the demo investor; returns the listing's address."""
    as_user(page, server, "demo-borrower")
    page.goto(f"{server}/loans/apply/")
    page.locator("select[name=enterprise]").select_option(index=1)
    page.locator("select[name=product]").select_option("smb-working-capital")
    page.locator("input[name=amount]").fill(amount)
    page.locator("input[name=term_months]").fill("3")
    page.locator("select[name=method]").select_option(method)
    page.locator("textarea[name=purpose_description]").fill("Spring tea")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    application_url = page.url
    assert "Submitted" in page.get_by_test_id("status").inner_text()

    as_user(page, server, "demo-operator")
    page.goto(application_url)
    page.locator("textarea[name=note]").fill("licence and purpose checked")
    page.get_by_test_id("mark-reviewed").click()
    page.wait_for_load_state()

    as_user(page, server, "demo-checker")
    page.goto(application_url)
    page.locator("select[name=decision]").select_option("approve")
    page.get_by_test_id("decide").click()
    page.wait_for_load_state()
    page.get_by_test_id("open-listing").click()
    page.wait_for_load_state()
    page.get_by_test_id("listing-link").click()
    listing_url = page.url

    as_user(page, server, "demo-investor")
    page.goto(listing_url)
    page.locator("input[name=amount]").fill(amount)
    page.get_by_test_id("bid").click()
    page.wait_for_load_state()
    assert "Funded" in page.get_by_test_id("status").inner_text()
    return listing_url


def books_agree(server_env: dict[str, str]) -> None:
    env = {k: v for k, v in server_env.items() if k != "PUHUI_BASE_URL"}
    cli = [sys.executable, "-m", "puhui.cli"]
    verified = subprocess.run([*cli, "ledger", "verify"], env=env, cwd=ROOT,
                              capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr
    reconciled = subprocess.run([*cli, "custodian", "reconcile", "--date",
                                 datetime.now(UTC).date().isoformat()],
                                env=env, cwd=ROOT, capture_output=True, text=True)
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
    assert "agree" in reconciled.stdout


def test_a_loan_from_application_to_repayment(server_env, browser):
    server = server_env["PUHUI_BASE_URL"]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        listing_url = funded_loan_page(page, server, amount="10000", method="bullet")
        as_user(page, server, "demo-borrower")
        page.goto(listing_url)
        rate_text = page.get_by_test_id("disclosures").inner_text().split("Annual rate")[1]
        rate = Decimal(re.search(r"([\d.]+) %", rate_text).group(1)) / 100
        page.get_by_test_id("loan-link").click()
        payoff = page.get_by_test_id("payoff").inner_text()
        amount = re.sub(r"[^\d.]", "", payoff)
        # 10,000 bullet over 3 months at the graded rate, plus the 0.5 % prepayment fee of 50.00
        interest = (Decimal(10_000) * rate / 4).quantize(Decimal("0.01"))
        assert Decimal(amount) == 10_000 + interest + 50
        page.locator("input[name=amount]").fill(amount)
        page.locator("select[name=mode]").select_option("prepay")
        page.get_by_test_id("repay").click()
        page.wait_for_load_state()
        assert "Repaid" in page.get_by_test_id("status").inner_text()
    finally:
        context.close()
    books_agree(server_env)


def test_a_loan_into_default_recovery_and_write_off(server_env, browser):
    server = server_env["PUHUI_BASE_URL"]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        listing_url = funded_loan_page(page, server, amount="10000", method="equal-principal")
        page.get_by_test_id("loan-link").click()
        loan_url = page.url
        first_due = page.locator("[data-testid=schedule] tbody tr td time").first.get_attribute(
            "datetime")

        as_user(page, server, "demo-operator")  # holds the admin and risk officer duties
        page.goto(f"{server}/operator/overdue/")
        later = (datetime.fromisoformat(first_due) + timedelta(days=95)).date().isoformat()
        page.locator("input[name=business_date]").fill(later)
        page.get_by_test_id("run-cob").click()
        page.wait_for_load_state()
        assert "In default" in page.get_by_test_id("arrears").inner_text()

        page.goto(loan_url)
        page.locator("input[name=amount]").fill("1000")
        page.get_by_test_id("recover").click()
        page.wait_for_load_state()
        assert "1,000.00" in page.get_by_test_id("collection").inner_text()
        page.get_by_test_id("write-off").click()
        page.wait_for_load_state()
        assert "Written off" in page.get_by_test_id("status").inner_text()

        as_user(page, server, "demo-investor")
        page.goto(f"{server}/investor/portfolio/")
        assert "9,000.00" in page.get_by_test_id("notes").inner_text()  # written off
        assert listing_url
    finally:
        context.close()
    books_agree(server_env)
