"""``puhui bench bidding``: N investors bid concurrently over HTTP on one listing.

The platform runs as a real server process (gunicorn, 2 workers × 8 threads) on the scratch
database; each investor is a thread with its own API token, bidding until the listing is full.
Reported: accepted bids per second, latency p50/p99 of every bid request, and two checks — the
listing is never overfunded, and what it raised equals the bids the ledger posted.
"""

import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from decimal import Decimal
from typing import Any

from django.core.management.base import CommandParser
from django.db import connection

from puhui.custody.ports import CustodyAccount
from puhui.devtools.bench import Workload
from puhui.devtools.benchserver import free_port, server_start
from puhui.devtools.world import investor_with_money, listing_new, product_new
from puhui.ledger.models import Account, Transfer
from puhui.lending.models import Bid, BidStatus, Listing
from puhui.lending.services import listing_funded_fen, wallet_for
from puhui.parties.services import api_token_create

BID_AMOUNTS_YUAN = (100, 200, 500, 1000)


def _setup(investors: int) -> tuple[Listing, list[str]]:
    # The listing asks for less than the investors will offer, so the last bids lose the race.
    amount = investors * 800
    product = product_new(amount_max_fen=max(amount * 100, 1_000_00),
                          per_investor_cap_fen=5_000_00)
    listing = listing_new(amount=Decimal(amount), product=product, term_months=12)
    tokens = []
    for _ in range(investors):
        investor = investor_with_money(10_000_00)
        wallet_for(owner=investor.ledger_owner, kind=CustodyAccount.INVESTOR_WALLET)
        tokens.append(api_token_create(user=investor, name="bench")[1])
    return listing, tokens


def _investors_race(base: str, listing: Listing, tokens: list[str],
                    seed: int) -> tuple[list[float], dict[str, int], float]:
    """Every investor bids at once over HTTP, up to ten times or until refused with 409;
    returns each request's latency, the answers by HTTP status, and the seconds it all took."""
    latencies: list[float] = []
    answers: dict[str, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(len(tokens) + 1)

    def investor_loop(token: str, rng: random.Random) -> None:
        start.wait()
        for _ in range(10):
            body = (f'{{"id": "{uuid.uuid4()}", '
                    f'"amount": "{rng.choice(BID_AMOUNTS_YUAN)}"}}').encode()
            request = urllib.request.Request(  # noqa: S310 - loopback
                f"{base}/api/v1/lending/listings/{listing.pk}/bids", data=body,
                method="POST", headers={"Authorization": f"Bearer {token}",
                                        "Content-Type": "application/json"})
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    code = str(response.status)
            except urllib.error.HTTPError as error:
                code = str(error.code)
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                answers[code] = answers.get(code, 0) + 1
            if code == "409":
                return  # full, or too little left for this investor's amounts

    threads = [threading.Thread(target=investor_loop, args=(token, random.Random(seed + n)))
               for n, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    return latencies, answers, time.perf_counter() - began


def bench_bidding(*, investors: int = 200, seed: int = 2026) -> dict[str, Any]:
    listing, tokens = _setup(investors)
    port = free_port()
    server = server_start(port)
    try:
        latencies, answers, elapsed = _investors_race(f"http://127.0.0.1:{port}", listing,
                                                      tokens, seed)
    finally:
        server.terminate()
        server.wait(timeout=30)
    listing.refresh_from_db()
    funded = listing_funded_fen(listing)
    accepted = Bid.objects.filter(listing=listing).exclude(status=BidStatus.CANCELLED)
    accepted_fen = sum(bid.amount_fen for bid in accepted)
    escrow = Account.objects.get(pk=listing.escrow_account_id)
    posted_into_escrow = sum(Transfer.objects.filter(
        credit_account_id=escrow.pk, kind__in=["posted", "post_pending"]).values_list(
        "amount", flat=True))
    latencies.sort()

    def percentile(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000, 2)

    return {
        "database": connection.vendor,
        "investors": investors,
        "listing_amount": str(Decimal(listing.amount_fen) / 100),
        "requests": len(latencies),
        "answers": answers,
        "accepted_bids": accepted.count(),
        "accepted_bids_per_s": round(accepted.count() / elapsed, 1) if elapsed else 0.0,
        "latency_ms_p50": percentile(0.50),
        "latency_ms_p99": percentile(0.99),
        "status": listing.status,
        "overfunded": funded > listing.amount_fen or accepted_fen > listing.amount_fen,
        "funded_equals_posted": (listing.status != "funded"
                                 or accepted_fen == posted_into_escrow == listing.funded_fen),
        "server_errors": answers.get("500", 0),
    }


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--investors", type=int, default=200)


def _lines(report: dict[str, Any]) -> list[str]:
    return [f"puhui bench bidding — {report['database']}, {report['investors']} investors "
            f"over HTTP on one listing of {report['listing_amount']} CNY",
            f"accepted bids/s {report['accepted_bids_per_s']}, latency p50 "
            f"{report['latency_ms_p50']} ms, p99 {report['latency_ms_p99']} ms, "
            f"answers {report['answers']}",
            f"overfunded: {report['overfunded']}; funded = posted bids: "
            f"{report['funded_equals_posted']}"]


WORKLOAD = Workload("bidding", "concurrent investors over HTTP", _arguments,
                    lambda options: bench_bidding(investors=options["investors"]), _lines)
