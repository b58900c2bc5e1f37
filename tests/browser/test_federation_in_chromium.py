"""`make run`'s federation in Chromium: the registry, two platforms and their banks started by
scripts/run_federation.py as a newcomer starts them; platform B's operator sees, in the
application review, the registry report with what the demo enterprise raises on platform A."""

import os
import subprocess
import sys

import pytest

from puhui.devtools.management.commands.demo import DEMO_USERS
from tests.browser.conftest import sign_in
from tests.browser.crawling import SKIP, pages_in_chinese, problems_told
from tests.processes import ROOT, free_port, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory):
    ports = [free_port() for _ in range(5)]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)} | {
        "PUHUI_FEDERATION_DIR": str(tmp_path_factory.mktemp("federation")),
        "PUHUI_FEDERATION_PORTS": ",".join(map(str, ports))}
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_federation.py")],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    platform_b = f"http://127.0.0.1:{ports[1]}"
    try:
        # the launcher migrates and loads the demo on three databases first
        wait_for(f"{platform_b}/login/", process, "the federation", seconds=180)
        wait_for(f"http://127.0.0.1:{ports[0]}/login/", process, "platform A")
        yield {"a": f"http://127.0.0.1:{ports[0]}", "b": platform_b,
               "registry": f"http://127.0.0.1:{ports[4]}"}
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_platform_b_sees_the_enterprise_s_financing_on_platform_a(federation, browser):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        operator = next(u for u in DEMO_USERS if u[0] == "operator")
        sign_in(page, federation["b"], operator[1], operator[2])
        page.goto(f"{federation['b']}/loans/applications/")
        row = page.get_by_test_id("applications").locator("tr", has_text="West Lake Tea House")
        row.locator("a").first.click()
        page.wait_for_load_state()
        report = page.get_by_test_id("registry-report").inner_text()
        assert "Reserved by listings raising money" in report
        assert "100,000.00 CNY" in report  # platform A's listing holds that much headroom
        checks = page.get_by_test_id("checks").inner_text()
        assert "borrowing_caps.legal_person.all_platforms" in checks
        page.goto(federation["registry"] + "/")
        assert "Platform A, Platform B" in page.get_by_test_id("registry-figures").inner_text()
        sign_in(page, federation["registry"], "demo-registry-admin", "registry-admin-demo-2026")
        page.get_by_test_id("nav-members").click()
        page.wait_for_load_state()
        members = page.get_by_test_id("members").inner_text()
        assert "platform-a" in members
        assert "platform-b" in members
        page.get_by_test_id("nav-disputes").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("disputes").is_visible()
    finally:
        context.close()


def test_the_registry_s_pages_read_in_chinese_and_fit_a_phone(federation, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        registry = federation["registry"]
        _visited, problems = pages_in_chinese(page, registry, f"{registry}/",  # a visitor
                                              names={"platform"})
        sign_in(page, registry, "demo-registry-admin", "registry-admin-demo-2026")
        signed_in, more = pages_in_chinese(
            page, registry, f"{registry}/",
            skip=tuple(part for part in SKIP if part != "/registry/"), names={"platform"})
        assert {"/registry/members/", "/registry/disputes/", "/account/"} <= set(signed_in)
        problems |= more
        assert not problems, problems_told(problems)
    finally:
        context.close()
