"""Run the suite on SQLite, then on PostgreSQL when DATABASE_URL names one; say what ran.

Never silent: a pass that cannot run is announced as SKIPPED with the reason, and fails the run
when ``PUHUI_REQUIRE_POSTGRES=1`` (CI sets it). Browser tests run in the SQLite pass; the
PostgreSQL pass runs everything that touches the database, including the concurrency tests that
only PostgreSQL can prove.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-ra"]


def run_pass(name: str, database_url: str, extra: list[str]) -> bool:
    print(f"\n=== {name} pass: DATABASE_URL={database_url.split('@')[-1]} ===", flush=True)
    env = os.environ | {"DATABASE_URL": database_url}
    code = subprocess.call([*PYTEST, *extra, *sys.argv[1:]], cwd=ROOT, env=env)
    if code == 5:
        print(f"{name} pass: no test ran", flush=True)
    return code == 0


def main() -> int:
    outcomes: dict[str, str] = {}
    database_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="puhui-test-") as scratch:
        sqlite_url = f"sqlite:///{scratch}/puhui.sqlite3"
        outcomes["SQLite"] = "passed" if run_pass("SQLite", sqlite_url, []) else "FAILED"
    if database_url.startswith(("postgres://", "postgresql://")):
        passed = run_pass("PostgreSQL", database_url, ["-m", "not browser"])
        outcomes["PostgreSQL"] = "passed" if passed else "FAILED"
    else:
        outcomes["PostgreSQL"] = (
            "SKIPPED (set DATABASE_URL=postgres://user@host:5432/db to run it)"
        )
    print()
    for name, outcome in outcomes.items():
        print(f"{name} pass: {outcome}")
    failed = any(outcome == "FAILED" for outcome in outcomes.values())
    if os.environ.get("PUHUI_REQUIRE_POSTGRES") == "1" and outcomes["PostgreSQL"] != "passed":
        print("PUHUI_REQUIRE_POSTGRES=1 but the PostgreSQL pass did not pass")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
