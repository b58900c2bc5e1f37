"""A real browser against a real server: each role signs in, sees its home page, and
switches the language to Chinese and back."""

import pytest

from puhui.devtools.management.commands.demo import DEMO_USERS
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

TITLES = {"borrower": ("Borrower home", "借款人首页"), "investor": ("Investor home", "出借人首页"),
          "operator": ("Operator console", "运营控制台"), "regulator": ("Supervision", "监管视图")}


@pytest.mark.parametrize("role", ["borrower", "investor", "operator", "regulator"])
def test_each_role_logs_in_sees_home_and_switches_language(server, browser, role):
    _key, username, password, _role = next(u for u in DEMO_USERS if u[0] == role)
    english, chinese = TITLES[role]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{server}/")  # a visitor sees the platform first
        assert page.get_by_test_id("live-listings").count() == 1
        page.get_by_test_id("login").click()
        assert page.locator("h1").inner_text() == "Log in"
        sign_in(page, server, username, password)
        page.wait_for_url(f"{server}/{role}/")
        assert page.get_by_test_id("page-title").inner_text() == english
        assert username in page.get_by_test_id("who").inner_text()
        # the stylesheet is served locally
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == (
            "rgb(246, 248, 250)")

        page.get_by_test_id("language-zh-hans").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("page-title").inner_text() == chinese
        assert page.locator("html").get_attribute("lang") == "zh-hans"

        page.get_by_test_id("language-en").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("page-title").inner_text() == english

        page.get_by_test_id("logout").click()
        page.wait_for_url(f"{server}/login/")
    finally:
        context.close()


def test_wrong_password_shows_an_error_in_chinese(server, browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server}/login/")
        assert page.locator("h1").inner_text() == "登录"
        page.get_by_test_id("username").fill("demo-investor")
        page.get_by_test_id("password").fill("wrong-password")
        page.get_by_test_id("login").click()
        assert "用户名与密码不匹配" in page.get_by_test_id("login-error").inner_text()
    finally:
        context.close()
