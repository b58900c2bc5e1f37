"""Starting puhui's roles as real processes for tests: a free loopback port, waiting until a
process answers HTTP."""

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"{what} did not start: {log}") from error
            time.sleep(0.2)
