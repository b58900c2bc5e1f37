"""Fixtures for browser tests: Debian's Chromium driven by Playwright against a real server.

The server runs as in production (debug off, a real secret and PII keys, static files from
WhiteNoise) on its own SQLite file with the demo data. Where Chromium is absent the tests are
skipped with a reason, unless PUHUI_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

import base64
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from tests.processes import ROOT, free_port, wait_for

CHROMIUM = Path(os.environ.get("PUHUI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]




@pytest.fixture(scope="session")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The platform (debug off, as in production) and the simulated custodian bank, each in
    its own process, with the demo data loaded through the bank; yields their environment
    with ``PUHUI_BASE_URL``."""
    if not CHROMIUM.exists():
        if os.environ.get("PUHUI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PUHUI_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)")
    data = tmp_path_factory.mktemp("browser")
    port, bank_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env |= {"DATABASE_URL": f"sqlite:///{data / 'puhui.sqlite3'}",
            "SECRET_KEY": "browser-test-secret-not-the-default", "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "PUHUI_PII_KEYS": "b1:" + base64.b64encode(os.urandom(32)).decode(),
            "PUHUI_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
            "PUHUI_AUDIT_LOG_KEY": base64.b64encode(os.urandom(32)).decode(),
            "PUHUI_CUSTODIAN_URL": f"http://127.0.0.1:{bank_port}",
            "PUHUI_CUSTODIAN_SECRET": base64.b64encode(os.urandom(24)).decode()}
    cli = [sys.executable, "-m", "puhui.cli"]
    bank = subprocess.Popen([*cli, "custodian", "serve", "--port", str(bank_port), "--db",
                             str(data / "custodian.sqlite3")], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for(f"http://127.0.0.1:{bank_port}/", bank, "the custodian bank")
    for step in (["migrate", "--no-input", "-v", "0"], ["demo"]):
        subprocess.run([*cli, *step], env=env, cwd=ROOT, check=True, capture_output=True)
    process = subprocess.Popen([*cli, "runserver", f"127.0.0.1:{port}", "--noreload"],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/login/", process, "the platform")
    yield env | {"PUHUI_BASE_URL": base}
    for running in (process, bank):
        running.terminate()
        running.wait(timeout=10)


@pytest.fixture(scope="session")
def server(server_env: dict[str, str]) -> str:
    return server_env["PUHUI_BASE_URL"]


@pytest.fixture(scope="session")
def browser(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


# Learnt at enrolment, per server and user name: the same demo user enrols apart on each
# platform (the federation test runs two).
_TOTP_SECRETS: dict[tuple[str, str], str] = {}
_TOTP_LAST_STEP: dict[tuple[str, str], int] = {}


def _totp_code(server: str, username: str) -> str:
    """A code this user has not spent yet (no replay).

    The server accepts the adjacent step's code too (clock drift), so a second sign-in within
    one step answers with the next step's code; only a third within the same step waits.
    """
    key = (server, username)
    totp = pyotp.TOTP(_TOTP_SECRETS[key])
    step_now = int(time.time()) // totp.interval
    step = max(step_now, _TOTP_LAST_STEP.get(key, -1) + 1)
    if step > step_now + 1:
        time.sleep(totp.interval - time.time() % totp.interval + 0.5)
    _TOTP_LAST_STEP[key] = step
    return totp.at(step * totp.interval)


def sign_in(page, server: str, username: str, password: str) -> None:
    """Sign in through the page; enrol or answer the second factor when asked."""
    page.goto(f"{server}/login/")
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(password)
    page.get_by_test_id("login").click()
    # wait for the navigation itself: the next page is the second step or a home page
    page.wait_for_url(lambda url: not url.endswith("/login/"))
    if page.url.endswith("/login/totp/"):
        secret = page.get_by_test_id("totp-secret")
        if secret.count():
            _TOTP_SECRETS[(server, username)] = secret.inner_text()
        page.locator("input[name=code]").fill(_totp_code(server, username))
        page.get_by_test_id("totp-submit").click()
        page.wait_for_url(lambda url: "/login/" not in url)
