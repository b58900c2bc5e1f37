"""``puhui bench pledges``: N backers pledge concurrently over HTTP on one hot reward campaign
with a limited tier.

The platform runs as a real server process (gunicorn, 2 workers × 8 threads) on the scratch
database; each backer is a thread with its own API token and a kept-alive connection, making
``--pledges`` pledges: every other one takes a unit of the limited tier (which sells out during
the run), the rest are plain pledges. Pledges on one campaign are gathered into batches per
server process (``crowdfunding.services.gathering``). Reported: accepted pledges per second,
latency p50/p99 of every request, the checks — the tier never oversold, the escrow holding
exactly the accepted pledges — and two figures measured in the same run to judge it by: the
same pledges booked in-process by the service in batches (no HTTP), and the database's own
limit for their ledger work (the hand-written SQL of ``bench ledger``: each pledge's three
transfers into hot accounts in one INSERT and one UPDATE per batch).
"""

import http.client
import json
import os
import random
import resource
import threading
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db import connection

from puhui.crowdfunding.models import Campaign, Pledge, PledgeStatus, RewardTier
from puhui.crowdfunding.services import (
    PledgeRequest,
    TierDraft,
    campaign_raised_fen,
    pledges_place,
    tier_left,
)
from puhui.devtools.bench import Workload, WorkloadRefused
from puhui.devtools.bench.ledger import _sql_limit
from puhui.devtools.benchserver import free_port, server_start
from puhui.devtools.campaign_world import backer_new, campaign_online
from puhui.ledger.models import Account
from puhui.ledger.services import accounts_create
from puhui.parties.models import User
from puhui.parties.services import api_token_create

AMOUNTS_YUAN = (20, 50, 100)
TIER_PRICE_YUAN = 20


def _campaign(backers: int, pledges: int) -> tuple[Campaign, RewardTier]:
    """A campaign whose maximum takes every pledge, and a tier with units for a third of the
    tier pledges, so it sells out mid-run."""
    tier_units = max(1, backers * pledges // 6)
    campaign = campaign_online(
        "reward", goal=Decimal("1000"), maximum=Decimal(backers * pledges * 200),
        tiers=(TierDraft("Hot reward", "The one everybody wants.", Decimal(TIER_PRICE_YUAN),
                         tier_units, date(2027, 6, 1)),))
    return campaign, campaign.tiers.get()


def _backers(count: int, pledges: int) -> list[tuple[User, str]]:
    fen = pledges * max(AMOUNTS_YUAN) * 100
    backers = []
    for _ in range(count):
        backer = backer_new(fen, "reward")
        backers.append((backer, api_token_create(user=backer, name="bench")[1]))
    return backers


def _storm(port: int, campaign: Campaign, tier: RewardTier, tokens: list[str], pledges: int,
           seed: int) -> tuple[list[float], dict[str, int], float]:
    latencies: list[float] = []
    answers: dict[str, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(len(tokens) + 1)
    path = f"/api/v1/crowdfunding/campaigns/{campaign.pk}/pledges"

    def backer_loop(token: str, rng: random.Random) -> None:
        link = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        start.wait()
        for n in range(pledges):
            body: dict[str, Any] = {"id": str(uuid.uuid4())}
            if n % 2 == 0:
                body |= {"amount": str(TIER_PRICE_YUAN), "tier_id": tier.pk}
            else:
                body |= {"amount": str(rng.choice(AMOUNTS_YUAN))}
            began = time.perf_counter()
            link.request("POST", path, body=json.dumps(body), headers=headers)
            response = link.getresponse()
            response.read()
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                answers[str(response.status)] = answers.get(str(response.status), 0) + 1
        link.close()

    threads = [threading.Thread(target=backer_loop, args=(token, random.Random(seed + n)))
               for n, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=900)
    return latencies, answers, time.perf_counter() - began


def _in_process(backers: list[tuple[User, str]], count: int, batch: int) -> float:
    """Pledges/s of the service itself, in batches as the gatherer makes them (no HTTP)."""
    campaign, tier = _campaign(len(backers), 4)
    requests = [PledgeRequest(pledge_id=uuid.uuid4(), backer=backers[n % len(backers)][0],
                              amount=Decimal(TIER_PRICE_YUAN), tier_id=tier.pk if n % 2 else None)
                for n in range(count)]
    began = time.perf_counter()
    for first in range(0, count, batch):
        pledges_place(campaign=campaign, requests=requests[first:first + batch])
    return count / (time.perf_counter() - began)


def _sql_limit_rate(count: int, batch: int) -> float:
    """Pledges/s of their bare ledger work: three transfers each into hot accounts (escrow,
    capacity sink, stock sink), written with the fewest statements."""
    wallets = [a.id for a in accounts_create([dict(kind="bench_backer", owner=f"bench:{n}",
                                                   currency="CNY") for n in range(200)])]
    hot = [a.id for a in accounts_create([dict(kind="bench_hot", owner=f"bench:hot:{n}",
                                               currency="CNY") for n in range(3)])]
    legs = [(uuid.uuid4(), wallets[n % len(wallets)], hot[leg], 2_000)
            for n in range(count) for leg in range(3)]
    began = time.perf_counter()
    for first in range(0, len(legs), batch * 3):
        _sql_limit(legs[first:first + batch * 3])
    return count / (time.perf_counter() - began)


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


def bench_pledges(*, backers: int = 200, pledges: int = 10, seed: int = 2026) -> dict[str, Any]:
    if not 1 <= backers <= 2_000 or not 1 <= pledges <= 1_000:
        raise WorkloadRefused("--backers is 1 to 2,000 and --pledges 1 to 1,000")
    campaign, tier = _campaign(backers, pledges)
    people = _backers(backers, pledges)
    port = free_port()
    server = server_start(port, threads=32)  # larger batches per worker (see PERFORMANCE)
    try:
        server_cpu, client_cpu = _cpu_seconds(server.pid), resource.getrusage(
            resource.RUSAGE_SELF)
        latencies, answers, elapsed = _storm(port, campaign, tier, [t for _u, t in people],
                                             pledges, seed)
        server_cpu = _cpu_seconds(server.pid) - server_cpu
        after = resource.getrusage(resource.RUSAGE_SELF)
        client_seconds = (after.ru_utime - client_cpu.ru_utime
                          + after.ru_stime - client_cpu.ru_stime)
    finally:
        server.terminate()
        server.wait(timeout=30)
    live = Pledge.objects.filter(campaign=campaign, status=PledgeStatus.PENDING)
    accepted = live.count()
    stock = Account.objects.get(pk=tier.stock_account_id or 0)
    units_taken = sum(p.quantity for p in live.filter(tier=tier))
    latencies.sort()

    def percentile(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000, 2)

    service = _in_process(people, 2_000, 200)
    limit = _sql_limit_rate(6_000, 200)
    rate = accepted / elapsed if elapsed else 0.0
    return {
        "database": connection.vendor, "backers": backers, "requests": len(latencies),
        "answers": answers, "accepted_pledges": accepted,
        "accepted_pledges_per_s": round(rate, 1),
        "latency_ms_p50": percentile(0.50), "latency_ms_p99": percentile(0.99),
        "tier_units": tier.quantity, "tier_units_taken": units_taken,
        "oversold": units_taken > (tier.quantity or 0) or (tier_left(tier) or 0) < 0
        or stock.debits_pending + stock.debits_posted > stock.credits_posted,
        "escrow_equals_pledges": campaign_raised_fen(campaign) == sum(
            p.amount_fen for p in live),
        "service_pledges_per_s": round(service, 1),
        "sql_limit_pledges_per_s": round(limit, 1),
        "ratio_to_sql_limit": round(rate / limit, 3) if limit else None,
        "server_errors": answers.get("500", 0),
        "seconds": round(elapsed, 2),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(len(latencies), 1), 2),
        "client_cpu_ms_per_request": round(client_seconds * 1000 / max(len(latencies), 1), 2),
    }


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--backers", type=int, default=200)
    parser.add_argument("--pledges", type=int, default=10, help="pledges each backer makes")


def _lines(report: dict[str, Any]) -> list[str]:
    return [f"puhui bench pledges — {report['database']}, {report['backers']} backers over "
            f"HTTP on one reward campaign ({report['tier_units']} units of its hot tier)",
            f"accepted pledges/s {report['accepted_pledges_per_s']}, latency p50 "
            f"{report['latency_ms_p50']} ms, p99 {report['latency_ms_p99']} ms, answers "
            f"{report['answers']}",
            f"in-process service {report['service_pledges_per_s']} pledges/s; the database's "
            f"limit for their ledger work {report['sql_limit_pledges_per_s']} pledges/s "
            f"(ratio {report['ratio_to_sql_limit']})",
            f"CPU per request: server {report['server_cpu_ms_per_request']} ms, the benchmark's "
            f"clients {report['client_cpu_ms_per_request']} ms ({report['seconds']} s)",
            f"oversold: {report['oversold']} ({report['tier_units_taken']} of "
            f"{report['tier_units']} units); escrow = Σ pledges: "
            f"{report['escrow_equals_pledges']}"]


WORKLOAD = Workload("pledges", "concurrent backers over HTTP on one hot campaign", _arguments,
                    lambda options: bench_pledges(backers=options["backers"],
                                                  pledges=options["pledges"]), _lines)
