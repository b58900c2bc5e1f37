"""``puhui bench registry``: the monthly batch's ingestion rate and the report's latency.

- **Ingestion**: N trade lines (four financings per subject) reported by one member in batches
  of 1,000 through ``trade_lines_report`` — validation, duplicate check, subjects by blind
  index (created sealed), upsert of the trade lines, the event log. **The limit**, measured in
  the same run on the same tables: the same rows written by a plain ``bulk_create`` of trade
  lines (no validation, no subjects, no log).
- **Reports**: the registry as a real server process (gunicorn, 2 workers × 8 threads, role
  registry) on the scratch database; C threads each request signed reports for subjects that
  consented; latency p50 and p99 of every request.
"""

import random
import threading
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from puhui.core.business_day import business_date_today
from puhui.devtools.bench import Workload
from puhui.devtools.benchserver import database_url, free_port, server_start
from puhui.registry.client import RegistryClient, RegistryRefused
from puhui.registry.models import Member, Subject, TradeLine
from puhui.registry.services import (
    consent_record,
    consent_signature,
    member_register,
    trade_lines_report,
)

BATCH = 1_000
FINANCINGS_PER_SUBJECT = 4


def _identity(number: int) -> str:
    return f"91330100MA{number:08d}"


def _record(number: int) -> dict[str, Any]:
    return {"event_id": f"m-{number}", "event": "monthly", "subject_kind": "enterprise",
            "subject_id": _identity(number // FINANCINGS_PER_SUBJECT),
            "account_number": f"L-{number}", "product_type": "loan",
            "opened_on": "2026-01-15", "amount": "300000", "balance": "180000.50",
            "scheduled_payment": "26100", "past_due": "0", "status": "open",
            "payment_history": "NNNNNNNNNN", "as_of": "2026-11-30"}


def _ingest(member: Member, count: int) -> float:
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        result = trade_lines_report(member=member, records=[
            _record(n) for n in range(first, min(first + BATCH, count))])
        assert not result.rejected, result.rejected[:3]
    return time.perf_counter() - started


def _limit(member: Member, count: int) -> float:
    subject = Subject.objects.order_by("pk").first()
    assert subject is not None
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        TradeLine.objects.bulk_create([
            TradeLine(member=member, account_number=f"L-{n}", subject=subject,
                      product_type="loan", opened_on=business_date_today(),
                      amount_fen=30_000_000, balance_fen=18_000_050,
                      scheduled_payment_fen=2_610_000, past_due_fen=0, status="open",
                      payment_history="*" * 14 + "N" * 10, as_of=business_date_today())
            for n in range(first, min(first + BATCH, count))], batch_size=BATCH)
    return time.perf_counter() - started


def bench_registry(*, trade_lines: int, concurrency: int, reports: int) -> dict[str, Any]:
    member, secret = member_register(code="bench-a", name="Bench A", kind="platform")
    limit_member, _ = member_register(code="bench-limit", name="Bench limit", kind="platform")
    ingest_s = _ingest(member, trade_lines)
    limit_s = _limit(limit_member, trade_lines)
    subjects = max(trade_lines // FINANCINGS_PER_SUBJECT, 1)
    asked = random.Random(7).sample(range(subjects), min(subjects, 500))
    granted = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    expires = granted + timedelta(days=30)
    for number in asked:
        consent_record(member=member, consent_id=f"c-{number}", subject_kind="enterprise",
                       subject_id=_identity(number), purpose="loan_application",
                       granted_at=granted, expires_at=expires,
                       signed=consent_signature(secret, consent_id=f"c-{number}",
                                                subject_kind="enterprise",
                                                subject_id=_identity(number),
                                                purpose="loan_application",
                                                granted_at=granted.isoformat(),
                                                expires_at=expires.isoformat()))
    port = free_port()
    server = server_start(port, extra_env={"PUHUI_ROLE": "registry"})
    latencies: list[float] = []
    failures: list[str] = []
    try:
        client = RegistryClient(f"http://127.0.0.1:{port}", member.code, secret)
        start = threading.Barrier(concurrency)

        def ask(seed: int) -> None:
            rng = random.Random(seed)
            start.wait()
            for _ in range(max(reports // concurrency, 1)):
                number = rng.choice(asked)
                began = time.perf_counter()
                try:
                    client.call("POST", "/reports", {
                        "subject_kind": "enterprise", "subject_id": _identity(number),
                        "purpose": "loan_application", "consent_id": f"c-{number}"})
                except RegistryRefused as refused:
                    failures.append(refused.code)
                latencies.append(time.perf_counter() - began)

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(concurrency)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        reports_s = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=10)
    ordered = sorted(latencies)
    return {
        "database": database_url().split(":", 1)[0],
        "trade_lines": trade_lines,
        "trade_lines_per_s": round(trade_lines / ingest_s),
        "sql_limit_trade_lines_per_s": round(trade_lines / limit_s),
        "ratio_ingestion": round(limit_s / ingest_s, 3),
        "concurrency": concurrency, "reports": len(latencies),
        "reports_per_s": round(len(latencies) / reports_s, 1),
        "report_latency_ms_p50": round(ordered[len(ordered) // 2] * 1000, 1),
        "report_latency_ms_p99": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
        "refused": len(failures),
    }


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--trade-lines", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--reports", type=int, default=2_000)


def _run(options: dict[str, Any]) -> dict[str, Any]:
    return bench_registry(trade_lines=options["trade_lines"],
                          concurrency=options["concurrency"], reports=options["reports"])


def _lines(report: dict[str, Any]) -> list[str]:
    return [f"puhui bench registry — {report['database']}",
            f"ingestion: {report['trade_lines']:,} trade lines at "
            f"{report['trade_lines_per_s']:,}/s; plain bulk insert "
            f"{report['sql_limit_trade_lines_per_s']:,}/s; ratio {report['ratio_ingestion']}",
            f"reports: {report['reports']:,} at {report['concurrency']} at once, "
            f"{report['reports_per_s']}/s, p50 {report['report_latency_ms_p50']} ms, "
            f"p99 {report['report_latency_ms_p99']} ms, refused {report['refused']}"]


WORKLOAD = Workload("registry", "trade-line ingestion and reports", _arguments, _run, _lines)
