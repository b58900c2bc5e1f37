"""A newcomer's admittance, in a real browser: a borrower registers an enterprise and sees it
classified with its reasons; an investor passes KYC; two different operators (each with a
second factor) review and approve both; the maker cannot approve his own review."""

import itertools

import pytest
from stdnum import luhn
from stdnum.cn import ric, uscc

from puhui.devtools.management.commands.demo import DEMO_USERS
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
PASSWORD = "a-newcomer-password-2026"
_serial = itertools.count(1)


def demo_password(username: str) -> str:
    return next(u[2] for u in DEMO_USERS if u[1] == username)


def register(page, server: str, role: str, username: str) -> None:
    page.goto(f"{server}/register/")
    page.locator("select[name=role]").select_option(role)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=email]").fill(f"{username}@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password_again]").fill(PASSWORD)
    page.locator("input[name=accept_terms]").check()
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"{server}/{role}/")


def fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def review_both(page, server: str, applicants: list[str], *, decide: bool) -> None:
    for applicant in applicants:
        page.goto(f"{server}/operator/reviews/")
        page.get_by_role("row", name=applicant).get_by_role("link").click()
        if decide:
            page.locator("select[name=decision]").select_option("approve")
            page.get_by_test_id("decide").click()
            page.wait_for_url(f"{server}/operator/reviews/")
        else:
            page.locator("textarea[name=note]").fill("licence and registry records agree")
            page.get_by_test_id("mark-reviewed").click()
            page.wait_for_load_state()


def test_a_newcomer_is_admitted_by_two_operators(server, browser):
    n = next(_serial)
    body = f"91330100MA2{900000 + n:06d}"[:17]
    code = body + uscc.calc_check_digit(body)
    rep_id = "110105198001010" + f"{n:02d}"[:2]
    rep_id = rep_id[:17] + ric.calc_check_digit(rep_id[:17] + "0")
    investor_id = "110105199202020" + f"{n + 10:02d}"[:2]
    investor_id = investor_id[:17] + ric.calc_check_digit(investor_id[:17] + "0")
    card = "62220202" + f"{n:010d}"
    card += luhn.calc_check_digit(card)
    enterprise_name = f"Newcomer Noodles {n}"
    investor_name = f"Newcomer Investor {n}"
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        # a borrower registers and submits the enterprise
        register(page, server, "borrower", f"newborrower{n}")
        page.get_by_test_id("enterprise-new").click()
        fill(page, {"name": enterprise_name, "uscc_code": code, "legal_rep_name": "Sun Li",
                    "legal_rep_id": rep_id, "phone": "13700000000", "industry": "catering",
                    "employees": "6", "revenue_wan": "80", "total_assets_wan": "40",
                    "registered_capital_wan": "10", "founded_on": "2020-05-01",
                    "region": "Zhejiang Ningbo", "bank_name": "Bank of Ningbo",
                    "bank_account": "330200000099887766"})
        page.get_by_test_id("submit").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("size-class").inner_text() == "Micro"
        reasons = page.get_by_test_id("classification").inner_text()
        assert "employees 6 is below the small bound of 10" in reasons
        assert rep_id not in page.content()  # masked
        enterprise_url = page.url
        page.get_by_test_id("logout").click()

        # an investor registers and passes KYC with the questionnaire
        register(page, server, "investor", f"newinvestor{n}")
        page.get_by_test_id("kyc-start").click()
        fill(page, {"kind": "person", "full_name": investor_name, "resident_id": investor_id,
                    "phone": "13600000000", "bank_card": card,
                    "declared_income_yuan": "180000", "net_worth_yuan": "900000"})
        for question, option in (("horizon", "gt-3y"), ("loss", "hold"),
                                 ("experience", "funds"), ("share", "lt-5")):
            page.locator(f"input[name=q_{question}][value={option}]").check()
        page.get_by_test_id("submit").click()
        page.wait_for_load_state()
        assert "Growth" in page.get_by_test_id("suitability").inner_text()  # 25+16+8+25 = 74
        page.get_by_test_id("logout").click()

        # the maker reviews both, and cannot approve his own review
        sign_in(page, server, "demo-operator", demo_password("demo-operator"))
        review_both(page, server, [enterprise_name, investor_name], decide=False)
        page.locator("select[name=decision]").select_option("approve")
        page.get_by_test_id("decide").click()
        assert "cannot also approve" in page.get_by_test_id("form-error").inner_text()
        page.get_by_test_id("logout").click()

        # the checker approves both
        sign_in(page, server, "demo-checker", demo_password("demo-checker"))
        review_both(page, server, [enterprise_name, investor_name], decide=True)
        page.get_by_test_id("logout").click()

        # the borrower sees the decision
        sign_in(page, server, f"newborrower{n}", PASSWORD)
        page.goto(enterprise_url)
        assert "Approved" in page.get_by_test_id("status").inner_text()
        history = page.get_by_test_id("history").inner_text()
        assert "admittance.reviewed (demo-operator)" in history
        assert "admittance.approved (demo-checker)" in history
    finally:
        context.close()
