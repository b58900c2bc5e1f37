"""Production settings fail closed: no debug by default, no serving on the development key."""

import base64
import os
import subprocess
import sys

import pytest

SERVE = [sys.executable, "-c", "import puhui.wsgi"]


PII_KEYS = {
    "PUHUI_PII_KEYS": "k1:" + base64.b64encode(b"k" * 32).decode(),
    "PUHUI_BLIND_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
}
LOG_KEY = {"PUHUI_AUDIT_LOG_KEY": base64.b64encode(b"l" * 32).decode()}
PRODUCTION = {"SECRET_KEY": "a-real-secret-from-the-vault", "ALLOWED_HOSTS": "example.org"}


def serve_with(**env: str) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", *PII_KEYS,
             *LOG_KEY}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(SERVE, env=clean | env, capture_output=True, text=True, timeout=60)


def test_server_refuses_the_development_key_with_debug_off():
    result = serve_with(ALLOWED_HOSTS="example.org", **PII_KEYS)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_server_refuses_an_empty_allowed_hosts_with_debug_off():
    result = serve_with(SECRET_KEY="a-real-secret-from-the-vault", **PII_KEYS)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_server_refuses_to_start_without_pii_keys_with_debug_off():
    result = serve_with(**PRODUCTION)
    assert result.returncode != 0
    assert "PUHUI_PII_KEYS" in result.stderr


def test_server_refuses_to_start_without_the_audit_log_key_with_debug_off():
    result = serve_with(**PRODUCTION, **PII_KEYS)
    assert result.returncode != 0
    assert "PUHUI_AUDIT_LOG_KEY is not set" in result.stderr


def test_server_starts_with_real_settings_and_with_debug_on():
    started = serve_with(**PRODUCTION, **PII_KEYS, **LOG_KEY)
    assert started.returncode == 0, started.stderr
    assert serve_with(DEBUG="1").returncode == 0


def test_debug_is_off_unless_asked():
    probe = [sys.executable, "-c", "import puhui.settings as s; print(s.DEBUG)"]
    clean = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    assert subprocess.run(probe, env=clean, capture_output=True, text=True).stdout.strip() == (
        "False")
    bad = subprocess.run(probe, env=clean | {"DEBUG": "maybe"}, capture_output=True, text=True)
    assert bad.returncode != 0
    assert "DEBUG must be" in bad.stderr


@pytest.mark.parametrize("flag", ["1", "true", "on"])
def test_debug_on_when_asked(flag):
    probe = [sys.executable, "-c", "import puhui.settings as s; print(s.DEBUG)"]
    out = subprocess.run(probe, env=os.environ | {"DEBUG": flag}, capture_output=True, text=True)
    assert out.stdout.strip() == "True"
