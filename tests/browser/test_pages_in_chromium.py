"""A real browser (Debian's Chromium driven by Playwright) against a real server process.

The server runs as in production (debug off, a real secret, static files from WhiteNoise) on
its own SQLite file with the demo data. Where Chromium is absent the tests are skipped with a
reason, unless PUHUI_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from puhui.core.management.commands.demo import DEMO_USERS

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("PUHUI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
TITLES = {"borrower": ("Borrower home", "借款人首页"), "investor": ("Investor home", "出借人首页"),
          "operator": ("Operator console", "运营控制台"), "regulator": ("Supervision", "监管视图")}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        if os.environ.get("PUHUI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PUHUI_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)")
    data = tmp_path_factory.mktemp("browser")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env |= {"DATABASE_URL": f"sqlite:///{data / 'puhui.sqlite3'}",
            "SECRET_KEY": "browser-test-secret-not-the-default", "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "PUHUI_PII_KEYS": "b1:" + base64.b64encode(os.urandom(32)).decode(),
            "PUHUI_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode()}
    cli = [sys.executable, "-m", "puhui.cli"]
    for step in (["migrate", "--no-input", "-v", "0"], ["demo"]):
        subprocess.run([*cli, *step], env=env, cwd=ROOT, check=True, capture_output=True)
    process = subprocess.Popen([*cli, "runserver", f"127.0.0.1:{port}", "--noreload"],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=2)  # noqa: S310 - loopback only
            break
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"server did not start: {log}") from error
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("role", ["borrower", "investor", "operator", "regulator"])
def test_each_role_logs_in_sees_home_and_switches_language(server, browser, role):
    _key, username, password, _role = next(u for u in DEMO_USERS if u[0] == role)
    english, chinese = TITLES[role]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{server}/")
        assert page.locator("h1").inner_text() == "Log in"
        page.get_by_test_id("username").fill(username)
        page.get_by_test_id("password").fill(password)
        page.get_by_test_id("login").click()
        if role in ("operator", "regulator"):  # a second factor is required: enrol it
            page.wait_for_url(f"{server}/login/totp/")
            secret = page.get_by_test_id("totp-secret").inner_text()
            page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
            page.get_by_test_id("totp-submit").click()
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
