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


def wait_for(url: str, process: subprocess.Popen, what: str, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{what} did not start: {_last_words(process)}") from error
            time.sleep(0.2)


def _last_words(process: subprocess.Popen) -> str:
    """What a process that did not start wrote to stderr, without waiting for children that
    still hold the pipe open (a launcher's servers) to close it."""
    try:
        _out, err = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        return "(no end to its output within 5 s)"
    return err.decode(errors="replace") if err else ""
