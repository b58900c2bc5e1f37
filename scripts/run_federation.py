"""``make run``: a small federation on loopback, everything on embedded SQLite under ./var.

    registry     http://127.0.0.1:8300   the shared credit registry (var/registry.sqlite3)
    platform A   http://127.0.0.1:8000   with its custodian bank on :8100 (var/puhui.sqlite3)
    platform B   http://127.0.0.1:8001   with its custodian bank on :8101 (var/platform-b.sqlite3)

Both platforms load the same demo data, so the demo enterprise applies on both: platform B's
application review shows the registry report with platform A's financing. Signing secrets for
the two members are made afresh at each start and passed to the processes in their environment
(never written to a file). Ctrl-C stops everything.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A test runs a second federation beside a developer's: another directory, other ports.
VAR = Path(os.environ.get("PUHUI_FEDERATION_DIR", ROOT / "var"))
PORTS = [int(p) for p in os.environ.get("PUHUI_FEDERATION_PORTS",
                                        "8000,8001,8100,8101,8300").split(",")]
CLI = [sys.executable, "-m", "puhui.cli"]
REGISTRY_PORT = PORTS[4]
PLATFORMS = {  # name: (port, bank port, database file, custodian file)
    "a": (PORTS[0], PORTS[2], "puhui.sqlite3", "custodian.sqlite3"),
    "b": (PORTS[1], PORTS[3], "platform-b.sqlite3", "custodian-b.sqlite3"),
}


def _wait(port: int, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{what} stopped while starting") from None
            time.sleep(0.3)
    raise SystemExit(f"{what} did not start on port {port}")


def _migrate_all(envs: list[dict[str, str]]) -> None:
    """Migrate every database at once (they are independent files)."""
    migrations = [subprocess.Popen([*CLI, "migrate", "--no-input", "-v", "0"], env=env,
                                   cwd=ROOT) for env in envs]
    if any([migration.wait() != 0 for migration in migrations]):  # wait for all of them
        raise SystemExit("a database could not be migrated")


def main() -> None:
    VAR.mkdir(exist_ok=True)
    base = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")} | {"DEBUG": "1"}
    running: list[subprocess.Popen] = []

    def stop(*_: object) -> None:
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    member_secrets = {name: secrets.token_urlsafe(32) for name in PLATFORMS}
    registry_env = base | {"DATABASE_URL": f"sqlite:///{VAR / 'registry.sqlite3'}",
                           "PUHUI_ROLE": "registry"}
    platform_envs = {name: base | {
        "DATABASE_URL": f"sqlite:///{VAR / database}",
        "PUHUI_CUSTODIAN_URL": f"http://127.0.0.1:{bank_port}",
        "PUHUI_REGISTRY_URL": f"http://127.0.0.1:{REGISTRY_PORT}",
        "PUHUI_REGISTRY_MEMBER": f"platform-{name}",
        "PUHUI_REGISTRY_SECRET": member_secrets[name],
        "PUHUI_PUBLIC_URL": f"http://127.0.0.1:{port}",  # the links in its e-mails
        "PUHUI_PLATFORM_NAME": f"puhui platform {name.upper()}",  # in its loan contracts
    } for name, (port, bank_port, database, _custodian) in PLATFORMS.items()}
    _migrate_all([registry_env, *platform_envs.values()])
    for name in PLATFORMS:
        subprocess.run([*CLI, "registry", "member", "add", "--code", f"platform-{name}",
                        "--name", f"Platform {name.upper()}", "--secret-env", "MEMBER_SECRET"],
                       env=registry_env | {"MEMBER_SECRET": member_secrets[name]}, cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
    admin = subprocess.run([*CLI, "registry", "demo-admin"], env=registry_env, cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout.strip()
    try:
        registry = subprocess.Popen([*CLI, "serve", "--role", "registry", "--port",
                                     str(REGISTRY_PORT)], env=registry_env, cwd=ROOT)
        running.append(registry)
        _wait(REGISTRY_PORT, "the registry", registry)
        servers = []
        for name, (port, bank_port, _database, custodian) in PLATFORMS.items():
            env = platform_envs[name]
            bank = subprocess.Popen([*CLI, "custodian", "serve", "--port", str(bank_port),
                                     "--db", str(VAR / custodian)], env=env, cwd=ROOT)
            running.append(bank)
            _wait(bank_port, f"platform {name.upper()}'s custodian bank", bank)
            # platform B's demo application waits in its operator's review queue
            waits = ["--application-waits"] if name == "b" else []
            demo = subprocess.run([*CLI, "demo", *waits], env=env, cwd=ROOT, check=True,
                                  capture_output=True, text=True)
            servers.append((name, port, env, demo.stdout))
        for name, port, env, _demo in servers:
            platform = subprocess.Popen([*CLI, "runserver", f"127.0.0.1:{port}", "--noreload"],
                                        env=env, cwd=ROOT)
            running.append(platform)
            _wait(port, f"platform {name.upper()}", platform)
        print(servers[0][3])  # the demo logins (the same on both platforms)
        print(f"registry    http://127.0.0.1:{REGISTRY_PORT}/   ({admin}; members, disputes)")
        for name, port, _env, _demo in servers:
            print(f"platform {name.upper()}  http://127.0.0.1:{port}/")
        print("The demo enterprise applied on both platforms: on platform B, sign in as "
              "demo-operator, open Loan applications and the tea house's application: the "
              "registry report shows platform A's listing. Ctrl-C stops everything.")
        while all(process.poll() is None for process in running):
            time.sleep(1)
        raise SystemExit("a process of the federation stopped")
    finally:
        for process in running:
            if process.poll() is None:
                process.terminate()


if __name__ == "__main__":
    main()
