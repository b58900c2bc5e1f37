"""Fixtures for tests that start puhui's roles as processes of their own."""

import base64
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.processes import ROOT, free_port, wait_for

CLI = [sys.executable, "-m", "puhui.cli"]


@dataclass(frozen=True)
class RegistryProcess:
    url: str
    secrets: dict[str, str]  # member code → signing secret
    env: dict[str, str]  # to run the registry's own commands on its database


@dataclass(frozen=True)
class RegistryTemplate:
    database_url: str  # migrated, with the members registered; copied for each test
    env: dict[str, str]
    secrets: dict[str, str]


@pytest.fixture(scope="session")
def registry_template(scratch_templates) -> RegistryTemplate:
    """A registry database migrated once per session, with members platform-a and platform-b
    registered through ``puhui registry member add``."""
    url = scratch_templates.make()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env |= {"DEBUG": "1", "PUHUI_ROLE": "registry",
            "PUHUI_PII_KEYS": "r1:" + base64.b64encode(os.urandom(32)).decode(),
            "PUHUI_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode()}
    subprocess.run([*CLI, "migrate", "-v", "0"], env=env | {"DATABASE_URL": url}, cwd=ROOT,
                   check=True)
    secrets = {}
    for code in ("platform-a", "platform-b"):
        added = subprocess.run([*CLI, "registry", "member", "add", "--code", code, "--name",
                                code.title()], env=env | {"DATABASE_URL": url}, cwd=ROOT,
                               check=True, capture_output=True, text=True).stdout
        secrets[code] = re.search(r"\(shown once\): (\S+)", added).group(1)
    return RegistryTemplate(url, env, secrets)


@pytest.fixture
def registry(registry_template: RegistryTemplate,
             scratch_databases) -> Iterator[RegistryProcess]:
    """``puhui serve --role registry`` on a database of its own (a copy of the template)."""
    port = free_port()
    env = registry_template.env | {
        "DATABASE_URL": scratch_databases.make(copy_of=registry_template.database_url)}
    process = subprocess.Popen([*CLI, "serve", "--role", "registry", "--port", str(port)],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", process, "the registry")
        yield RegistryProcess(base, registry_template.secrets, env)
    finally:
        process.terminate()
        process.wait(timeout=10)
