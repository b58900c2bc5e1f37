"""``puhui bench audit``: the tamper-evident log's append rate and its proofs on a large log.

- **Append**: N leaves (transfer-shaped canonical rows) through ``log_append`` in batches of
  10,000 — the leaf rows, their hashes, the tiles. **The limit**, in the same run on the same
  table: the same number of leaf rows by a plain ``bulk_create`` (no hashing, no tiles).
- **Proofs** on a log grown to ``--log-size`` leaves (the rest appended as hashes into the
  tiles only, which is all a proof reads): inclusion proofs of random leaves, each on its own
  (p50, p99), beside the database's own read of one tile row by its key; a consistency proof
  between two checkpoints; and what the supervisor does with a day's checkpoint — verify its
  consistency proof and 10,000 inclusion proofs (made by the platform in one batch).
"""

import random
import time
import uuid
from datetime import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.db import connection
from django.utils import timezone
from rich.progress import Progress

from puhui.audit import log
from puhui.audit.merkle import consistency_verified, inclusion_verified, leaf_hash
from puhui.audit.models import LogLeaf
from puhui.core.log_sources import LoggedRow, leaf_bytes
from puhui.devtools.bench import Workload, WorkloadRefused
from puhui.devtools.benchserver import database_url

BATCH = 10_000
SAMPLES = 1_000
VERIFIED = 10_000


def _row(number: int, now: datetime) -> LoggedRow:
    key = str(uuid.UUID(int=number + 1))
    return LoggedRow(key, now, leaf_bytes("bench.transfer", {
        "id": key, "debit_account": number % 977, "credit_account": number % 991 + 1000,
        "amount": 10_000 + number % 50_000, "currency": "CNY", "code": "bid",
        "kind": "posted", "created_at": now.isoformat()}))


def _append(count: int) -> float:
    now = timezone.now()
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        last = min(first + BATCH, count)
        log.log_append("bench.transfer", [_row(n, now) for n in range(first, last)])
    return time.perf_counter() - started


def _limit(count: int, offset: int) -> float:
    now = timezone.now()
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        LogLeaf.objects.bulk_create([
            LogLeaf(index=offset + n, source="bench.limit", key=str(uuid.UUID(int=n + 1)),
                    created_at=now) for n in range(first, min(first + BATCH, count))],
            batch_size=BATCH)
    return time.perf_counter() - started


def _grow(size: int, target: int) -> None:
    """Grow the tiles to ``target`` leaves (hashes only), with a progress bar."""
    with Progress(transient=True) as progress:
        task = progress.add_task("growing the log", total=target, completed=size)
        while size < target:
            count = min(100_000, target - size)
            log._hashes_append(size, [leaf_hash(b"%d" % n) for n in range(size, size + count)])
            size += count
            progress.update(task, completed=size)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * share) - 1, 0)]


def _row_read_seconds(numbers: list[int]) -> list[float]:
    times = []
    with connection.cursor() as cursor:
        for number in numbers:
            began = time.perf_counter()
            cursor.execute("SELECT hashes FROM audit_logtile WHERE level = 0 AND number = %s",
                           [number])
            cursor.fetchone()
            times.append(time.perf_counter() - began)
    return times


def _proofs(size: int) -> dict[str, Any]:
    rng = random.Random(14)
    root = log.tree_root(size)
    inclusion = []
    for index in rng.sample(range(size), SAMPLES):
        began = time.perf_counter()
        proof = log.inclusion_proofs([index], size)[index]
        inclusion.append(time.perf_counter() - began)
        assert len(proof) <= 64
    reads = _row_read_seconds([rng.randrange(size >> 8) for _ in range(SAMPLES)])
    old = size - rng.randrange(1, size // 3)
    old_root = log.tree_root(old)
    began = time.perf_counter()
    consistency = log.consistency_proof_between(old, size)
    consistency_s = time.perf_counter() - began
    indexes = rng.sample(range(size), VERIFIED)
    began = time.perf_counter()
    batch = log.inclusion_proofs(indexes, size)
    batch_s = time.perf_counter() - began
    tiles = log._tiles_read({(0, index >> 8) for index in indexes})  # one query, not 10,000
    hashes = {index: tiles[(0, index >> 8)][index % 256] for index in indexes}
    began = time.perf_counter()
    verified = consistency_verified(old, size, old_root, root, consistency) and all(
        inclusion_verified(hashes[index], index, size, batch[index], root) for index in indexes)
    verify_s = time.perf_counter() - began
    assert verified
    return {
        "inclusion_ms_p50": round(_percentile(inclusion, 0.5) * 1000, 3),
        "inclusion_ms_p99": round(_percentile(inclusion, 0.99) * 1000, 3),
        "sql_limit_tile_read_ms_p99": round(_percentile(reads, 0.99) * 1000, 3),
        "consistency_ms": round(consistency_s * 1000, 3),
        "consistency_from": old,
        "proofs_batch_seconds": round(batch_s, 3),
        "verify_checkpoint_and_10000_inclusions_seconds": round(verify_s, 3),
    }


def bench_audit(*, leaves: int, log_size: int) -> dict[str, Any]:
    append_s = _append(leaves)
    _grow(leaves, log_size)
    proofs = _proofs(log_size)
    limit_s = _limit(leaves, offset=log_size + 1)
    return {"database": database_url().split(":", 1)[0], "leaves_appended": leaves,
            "append_leaves_per_s": round(leaves / append_s),
            "sql_limit_rows_per_s": round(leaves / limit_s),
            "ratio_append": round(limit_s / append_s, 3), "log_size": log_size, **proofs}


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--leaves", type=int, default=200_000,
                        help="leaves appended through log_append (the append rate)")
    parser.add_argument("--log-size", type=int, default=10_000_000,
                        help="the log's size for the proofs")


def _run(options: dict[str, Any]) -> dict[str, Any]:
    if options["leaves"] < BATCH or options["log_size"] < max(options["leaves"], 2 * VERIFIED):
        raise WorkloadRefused(f"--leaves must be at least {BATCH:,} and --log-size at least "
                              f"--leaves and {2 * VERIFIED:,}")
    return bench_audit(leaves=options["leaves"], log_size=options["log_size"])


def _lines(report: dict[str, Any]) -> list[str]:
    return [f"puhui bench audit — {report['database']}",
            f"append: {report['leaves_appended']:,} leaves at {report['append_leaves_per_s']:,}/s;"
            f" plain insert of the leaf rows {report['sql_limit_rows_per_s']:,}/s; ratio "
            f"{report['ratio_append']}",
            f"on a log of {report['log_size']:,} leaves: inclusion proof p50 "
            f"{report['inclusion_ms_p50']} ms, p99 {report['inclusion_ms_p99']} ms (one tile "
            f"row read by key, p99 {report['sql_limit_tile_read_ms_p99']} ms); consistency "
            f"proof from {report['consistency_from']:,} {report['consistency_ms']} ms",
            f"supervisor: consistency + {VERIFIED:,} inclusion proofs verified in "
            f"{report['verify_checkpoint_and_10000_inclusions_seconds']} s (the platform made "
            f"them in {report['proofs_batch_seconds']} s)"]


WORKLOAD = Workload("audit", "the tamper-evident log: appends and proofs", _arguments, _run,
                    _lines)
