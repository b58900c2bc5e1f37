"""A close of business killed midway and run again ends exactly where one clean run ends."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BOOK = ("from puhui.devtools.bench.cob import _book_generate;"
        "from django.utils import timezone;"
        "_book_generate(3000, timezone.localdate())")
COB = ("from puhui.lending.cob import cob_run_for_date;"
       "from django.utils import timezone;"
       "cob_run_for_date(business_date=timezone.localdate())")
SNAPSHOT = ("from django.db import connection;"
            "c = connection.cursor();"
            "c.execute('SELECT id, days_past_due, penalty_fen FROM lending_installment "
            "ORDER BY id'); print(c.fetchall());"
            "c.execute('SELECT id, status FROM lending_loan ORDER BY id'); print(c.fetchall());"
            "c.execute('SELECT installment_id, amount_fen FROM lending_penaltyaccrual "
            "ORDER BY installment_id'); print(c.fetchall());"
            "c.execute('SELECT COUNT(*) FROM lending_reminder'); print(c.fetchall());"
            "c.execute('SELECT COUNT(*) FROM lending_collectioncase'); print(c.fetchall())")


def shell(env: dict, code: str, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "puhui.cli", "shell", "-v", "0", "-c", code],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=True, **kwargs)


def prepared(url: str) -> dict:
    """A migrated database (``url``) with the same 3,000-loan book as every other one."""
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "puhui.test_settings"}
    shell(env, BOOK)
    return env


def test_a_killed_cob_rerun_equals_one_clean_run(scratch_databases, migrated_platform_template):
    clean = prepared(scratch_databases.make(copy_of=migrated_platform_template))
    shell(clean, COB)

    crashed = prepared(scratch_databases.make(copy_of=migrated_platform_template))
    victim = subprocess.Popen(
        [sys.executable, "-m", "puhui.cli", "shell", "-v", "0", "-c",
         "print('started', flush=True);" + COB],
        env=crashed, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert victim.stdout is not None
    assert victim.stdout.readline().strip() == "started"
    time.sleep(random.uniform(0.0, 0.1))  # somewhere inside the run
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    shell(crashed, COB)

    assert shell(crashed, SNAPSHOT).stdout == shell(clean, SNAPSHOT).stdout
