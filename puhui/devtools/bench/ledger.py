"""``puhui bench ledger``: transfers per second, beside the same database's limit.

Three workloads over 10,000 funded wallets (which may not be overdrawn):

- batched: batches of 1,000 transfers between random wallets;
- hot: batches of 1,000 where every transfer credits the same account;
- single: one transfer per commit.

The limit is the same durable work done with hand-written SQL through the same driver in the
same run, on the same tables, indexes and triggers: one multi-row INSERT of the transfers and one
``UPDATE … SET total = total + delta`` per batch (no reads, no checks). Ours / limit is how much
of the database's speed the ledger's rules and safety cost. Batches of the two alternate, so
both see the same table sizes and machine load.
"""

import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import psycopg
from django.core.management.base import CommandParser
from django.db import connection, transaction
from django.utils import timezone

from puhui.devtools.bench import Workload, WorkloadRefused
from puhui.ledger.services import NewTransfer, accounts_create, transfers_create

ACCOUNTS = 10_000
BATCH_SIZE = 1_000
FUNDING_FEN = 10**12  # enough that no bench transfer is refused for want of money
GOALS: dict[str, dict[str, float]] = {
    "postgresql": {"transfers_per_s_batched": 20_000, "ratio_batched": 0.5},
    "sqlite": {"transfers_per_s_batched": 50_000},
}


def bench_ledger(*, transfers: int = 50_000, single_transfers: int | None = None,
                 seed: int = 2026) -> dict[str, Any]:
    """Run the three workloads on the current database (a scratch copy; see the command)."""
    rng = random.Random(seed)
    single_transfers = single_transfers or max(100, min(2_000, transfers // 25))
    wallets, hot = _accounts_open()
    batched = _pairs(rng, wallets, transfers, credit=None)
    hot_pairs = _pairs(rng, wallets, transfers, credit=hot)
    single = _pairs(rng, wallets, single_transfers, credit=None)

    ours_batched, limit_batched = _alternate(batched, BATCH_SIZE)
    ours_hot, limit_hot = _alternate(hot_pairs, BATCH_SIZE)
    ours_single, limit_single = _alternate(single, 1)

    def rate(count: int, seconds: float) -> float:
        return round(count / seconds, 1) if seconds else 0.0

    report: dict[str, Any] = {
        "database": connection.vendor,
        "accounts": ACCOUNTS,
        "transfers": transfers,
        "single_transfers": single_transfers,
        "batch_size": BATCH_SIZE,
        "transfers_per_s_batched": rate(transfers, ours_batched),
        "transfers_per_s_hot": rate(transfers, ours_hot),
        "transfers_per_s_single": rate(single_transfers, ours_single),
        "sql_limit_per_s_batched": rate(transfers, limit_batched),
        "sql_limit_per_s_hot": rate(transfers, limit_hot),
        "sql_limit_per_s_single": rate(single_transfers, limit_single),
    }
    for workload in ("batched", "hot", "single"):
        limit = report[f"sql_limit_per_s_{workload}"]
        report[f"ratio_{workload}"] = (
            round(report[f"transfers_per_s_{workload}"] / limit, 3) if limit else 0.0
        )
    goals = GOALS.get(connection.vendor, {})
    report["goals"] = goals
    report["goals_met"] = all(report[key] >= floor for key, floor in goals.items())
    return report


def _accounts_open() -> tuple[list[int], int]:
    source = accounts_create([dict(kind="bench_source", owner="bench", currency="CNY")])[0]
    specs = [dict(kind="bench_wallet", owner="bench", currency="CNY",
                  debits_must_not_exceed_credits=True) for _ in range(ACCOUNTS)]
    wallets: list[int] = []
    for start in range(0, ACCOUNTS, 2_000):
        wallets += [account.id for account in accounts_create(specs[start : start + 2_000])]
    hot = accounts_create([dict(kind="bench_hot", owner="bench", currency="CNY")])[0]
    funding = [NewTransfer(id=uuid.uuid4(), debit_account_id=source.id, credit_account_id=w,
                           amount=FUNDING_FEN, currency="CNY", code="bench_funding")
               for w in wallets]
    for start in range(0, len(funding), BATCH_SIZE):
        transfers_create(funding[start : start + BATCH_SIZE])
    return wallets, hot.id


def _pairs(rng: random.Random, wallets: list[int], count: int,
           credit: int | None) -> list[tuple[uuid.UUID, int, int, int]]:
    pairs = []
    for _ in range(count):
        debit = rng.choice(wallets)
        target = credit if credit is not None else rng.choice(wallets)
        while target == debit:
            target = rng.choice(wallets)
        pairs.append((uuid.uuid4(), debit, target, rng.randint(1, 1_000_000)))
    return pairs


def _alternate(pairs: list[tuple[uuid.UUID, int, int, int]], size: int) -> tuple[float, float]:
    """Time ours and the SQL limit batch by batch, alternating; returns total seconds of each."""
    half = len(pairs) // 2
    ours_pairs, sql_pairs = pairs[:half], pairs[half:]
    ours_seconds = sql_seconds = 0.0
    for start in range(0, half, size):
        ours_seconds += _timed(_ours, ours_pairs[start : start + size])
        sql_seconds += _timed(_sql_limit, sql_pairs[start : start + size])
    # Each side moved half of the pairs: scale to the seconds for all of them.
    return ours_seconds * 2, sql_seconds * 2


Pairs = list[tuple[uuid.UUID, int, int, int]]


def _timed(work: Callable[[Pairs], None], pairs: Pairs) -> float:
    started = time.perf_counter()
    work(pairs)
    return time.perf_counter() - started


def _ours(pairs: list[tuple[uuid.UUID, int, int, int]]) -> None:
    outcomes = transfers_create([
        NewTransfer(id=tid, debit_account_id=debit, credit_account_id=credit, amount=amount,
                    currency="CNY", code="bench")
        for tid, debit, credit, amount in pairs
    ])
    if any(outcome.result != "ok" for outcome in outcomes):
        raise RuntimeError(f"bench transfer refused: {outcomes[0]}")


def _sql_limit(pairs: list[tuple[uuid.UUID, int, int, int]]) -> None:
    """The same durable effect in the fewest statements, written straight to the driver."""
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for _tid, debit, credit, amount in pairs:
        deltas[debit][0] += amount
        deltas[credit][1] += amount
    now = timezone.now()
    with transaction.atomic():
        raw = connection.connection
        assert raw is not None
        if connection.vendor == "postgresql":
            cursor = psycopg.Cursor(raw)
            cursor.execute(
                f"INSERT INTO ledger_transfer ({_COLUMNS}) SELECT id, d, c, a, 'CNY', "
                "'bench_sql', 'posted', false, null, 0, null, '', %b FROM unnest("
                "%b::uuid[], %b::bigint[], %b::bigint[], %b::bigint[]) AS t(id, d, c, a)",
                [now, *([pair[i] for pair in pairs] for i in range(4))],
            )
            cursor.execute(
                "UPDATE ledger_account AS a SET debits_posted = a.debits_posted + v.d, "
                "credits_posted = a.credits_posted + v.c "
                "FROM unnest(%b::bigint[], %b::bigint[], %b::bigint[]) AS v(id, d, c) "
                "WHERE a.id = v.id",
                [list(deltas), [d for d, _c in deltas.values()], [c for _d, c in deltas.values()]],
            )
        else:
            cursor = raw.cursor()
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
            cursor.executemany(
                f"INSERT INTO ledger_transfer ({_COLUMNS}) "
                "VALUES (?,?,?,?,'CNY','bench_sql','posted',0,null,0,null,'',?)",
                [(tid.hex, debit, credit, amount, stamp) for tid, debit, credit, amount in pairs],
            )
            cursor.executemany(
                "UPDATE ledger_account SET debits_posted = debits_posted + ?, "
                "credits_posted = credits_posted + ? WHERE id = ?",
                [(d, c, account_id) for account_id, (d, c) in deltas.items()],
            )
        cursor.close()


_COLUMNS = (
    "id, debit_account_id, credit_account_id, amount, currency, code, kind, linked, "
    "pending_id, timeout_seconds, expires_at, reference, created_at"
)


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--transfers", type=int, default=50_000)
    parser.add_argument("--single", type=int, default=None,
                        help="transfers in the one-per-commit run (default N/25, ≤ 2,000)")


def _run(options: dict[str, Any]) -> dict[str, Any]:
    if options["transfers"] < 2 * 1_000:
        raise WorkloadRefused("--transfers must be at least 2,000")
    return bench_ledger(transfers=options["transfers"], single_transfers=options["single"])


def _lines(report: dict[str, Any]) -> list[str]:
    lines = [f"puhui bench ledger — {report['database']}, {report['accounts']:,} accounts, "
             f"{report['transfers']:,} transfers",
             f"{'workload':<10}{'ours/s':>14}{'SQL limit/s':>14}{'ratio':>8}"]
    for workload in ("batched", "hot", "single"):
        lines.append(f"{workload:<10}{report[f'transfers_per_s_{workload}']:>14,.0f}"
                     f"{report[f'sql_limit_per_s_{workload}']:>14,.0f}"
                     f"{report[f'ratio_{workload}']:>8.2f}")
    goals = ", ".join(f"{key} ≥ {value}" for key, value in report["goals"].items())
    lines.append(f"goals ({goals}): {'met' if report['goals_met'] else 'NOT met'}")
    return lines


WORKLOAD = Workload("ledger", "transfers per second", _arguments, _run, _lines)
