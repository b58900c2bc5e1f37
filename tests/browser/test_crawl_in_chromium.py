"""Every page of every role, as a phone in Chinese sees it: Chromium at 390 px wide with
zh-hans follows each same-site link from the role's home (and a visitor's from the landing
page) and fails on a page that answers with an error, scrolls sideways, or shows an English
word outside the allow-list; then the same pages at 1280 px must not scroll sideways either
(tests/browser/crawling.py)."""

import pytest

from puhui.devtools.management.commands.demo import DEMO_USERS
from tests.browser.conftest import sign_in
from tests.browser.crawling import english_on, pages_in_chinese, problems_told

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", ["visitor", "borrower", "investor", "operator", "regulator"])
def test_every_page_reads_in_chinese_and_fits_the_screen(server, browser, role):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        if role != "visitor":
            _key, username, password, _role = next(u for u in DEMO_USERS if u[0] == role)
            sign_in(page, server, username, password)
        visited, problems = pages_in_chinese(page, server, f"{server}/")
        assert visited, "the crawl found no page"
        assert not problems, problems_told(problems)
    finally:
        context.close()


def _refused(page, submit) -> str:
    with page.expect_navigation():
        submit.click()
    errors = page.locator(".error, .errorlist")
    assert errors.count(), "the form was not refused"
    return " ".join(errors.all_inner_texts())


def test_refused_forms_read_in_chinese_on_a_phone(server, browser):
    """What the crawl cannot reach: the errors a form answers with, in Chinese, at 390 px."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems: dict[str, list[str]] = {}

    def check(what: str) -> None:
        english = english_on(page)
        if english:
            problems.setdefault(what, []).append("English: " + ", ".join(english[:25]))
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
            problems.setdefault(what, []).append("scrolls sideways at 390 px")

    try:
        _key, username, password, _role = next(u for u in DEMO_USERS if u[0] == "borrower")
        sign_in(page, server, username, password)
        page.goto(f"{server}/loans/apply/")  # above the product's limit
        page.locator("select[name=enterprise]").select_option(index=1)
        page.locator("select[name=product]").select_option("smb-working-capital")
        page.locator("input[name=amount]").fill("99999999")
        page.locator("input[name=term_months]").fill("7")
        page.locator("textarea[name=purpose_description]").fill("春茶")
        assert _refused(page, page.get_by_test_id("submit"))
        check("apply: above the product's limits")
        page.goto(f"{server}/borrower/enterprises/new/")  # identity numbers that do not check
        for name, value in {"name": "西湖茶社", "uscc_code": "91330100MA2001000X",
                            "legal_rep_name": "王芳", "legal_rep_id": "110105194912310022",
                            "phone": "1390000", "employees": "5", "revenue_wan": "90",
                            "total_assets_wan": "50", "registered_capital_wan": "10",
                            "founded_on": "2020-01-01", "region": "杭州",
                            "bank_name": "杭州银行", "bank_account": "6222"}.items():
            page.locator(f"[name={name}]").fill(value)
        assert _refused(page, page.locator("form.card button[type=submit]").first)
        check("enterprise: invalid identity numbers")
        assert not problems, problems_told(problems)
    finally:
        context.close()
