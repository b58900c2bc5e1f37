"""A real server process for the HTTP benchmarks: gunicorn (2 workers × 8 threads) on the
benchmark's scratch database, production-like settings (database connections kept open),
any role."""

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The URL of the database this process is connected to (the scratch copy)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    return (f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
            f"{settings['NAME']}")


def server_start(port: int, *, extra_env: dict[str, str] | None = None, workers: int = 2,
                 threads: int = 8) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "puhui.settings",
        "SECRET_KEY": base64.b64encode(os.urandom(32)).decode(), "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_COOKIES": "0", "DATABASE_CONN_MAX_AGE": "600",
        "PUHUI_AUDIT_LOG_KEY": base64.b64encode(os.urandom(32)).decode(),
    } | (extra_env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "puhui.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json",
                                   timeout=2)
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the benchmark's server did not start: "
                                   + (process.stderr.read().decode() if process.stderr else "")
                                   ) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the benchmark's server did not answer within 30 s")
