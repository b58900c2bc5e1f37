"""kill -9 in the middle of a batch: after restart each batch is there wholly or not at all.

The writer runs in its own process against its own database (a scratch SQLite file, or a
scratch PostgreSQL database on the test server), so the kill hits a real connection mid-write.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from puhui.ledger.tests.crash_writer import BATCH_TRANSFERS, batch_ids

ROOT = Path(__file__).resolve().parents[3]


def puhui(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "puhui.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_kill_9_mid_batch_leaves_whole_batches_and_a_verified_ledger(
        scratch_databases, migrated_platform_template):
    env = os.environ | {"DATABASE_URL": scratch_databases.make(copy_of=migrated_platform_template),
                        "DJANGO_SETTINGS_MODULE": "puhui.test_settings"}
    opened = puhui(env, "shell", "-v", "0", "-c", (
        "from puhui.ledger.services import account_create as a;"
        "s = a(kind='source', owner='crash', currency='CNY');"
        "w = a(kind='wallet', owner='crash', currency='CNY',"
        " debits_must_not_exceed_credits=True);"
        "print(s.id, w.id)"))
    source_id, wallet_id = opened.stdout.split()

    writer = subprocess.Popen(
        [sys.executable, "-m", "puhui.ledger.tests.crash_writer", source_id, wallet_id],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert writer.stdout is not None
    started = -1
    for line in writer.stdout:
        if line.startswith("start"):
            started = int(line.split()[1])
            if started == 3:
                time.sleep(random.uniform(0.0, 0.05))  # somewhere inside batch 3
                writer.send_signal(signal.SIGKILL)
                break
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL, writer.stderr.read() if writer.stderr else ""

    counted = puhui(env, "shell", "-v", "0", "-c", (
        "from puhui.ledger.models import Transfer;"
        "from puhui.ledger.tests.crash_writer import batch_ids;"
        "print(*[Transfer.objects.filter(id__in=batch_ids(b)).count()"
        f" for b in range({started + 1})])"
    ))
    counts = [int(n) for n in counted.stdout.split()]
    assert len(counts) == started + 1 == 4
    assert counts[:3] == [BATCH_TRANSFERS] * 3  # announced done before the kill
    assert counts[3] in (0, BATCH_TRANSFERS)  # the killed batch: all or nothing
    assert len(batch_ids(0)) == BATCH_TRANSFERS

    verified = puhui(env, "ledger", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "ledger verify: OK" in verified.stdout
