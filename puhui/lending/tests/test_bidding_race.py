"""64 investors race for the last yuan of one listing on PostgreSQL: never overfunded, the
losers get a clear error, the funded amount equals the accepted bids."""

import random
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, connections

from puhui.core.errors import PuhuiError
from puhui.ledger.selectors import ledger_verify
from puhui.lending.models import Bid, BidStatus, ListingStatus
from puhui.lending.services import bid_place, listing_funded_fen
from puhui.lending.tests.factories import investor_with_money, listing_new, product_new

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 64


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are proved on PostgreSQL (SQLite has one writer)")


def test_racing_investors_never_overfund_a_listing():
    listing = listing_new(amount="10000", product=product_new(per_investor_cap_fen=10_000_00))
    investors = [investor_with_money(5_000_00) for _ in range(THREADS)]
    answers: list[str] = []
    crashes: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run(investor, seed: int) -> None:
        rng = random.Random(seed)
        try:
            start.wait()
            for _ in range(3):
                amount = Decimal(rng.choice([100, 200, 500, 1000]))
                try:
                    bid_place(investor=investor, listing=listing, amount=amount,
                              bid_id=uuid.uuid4())
                    answers.append("ok")
                except PuhuiError as error:
                    answers.append(error.code)
        except BaseException as error:
            crashes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(inv, n)) for n, inv in enumerate(investors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert crashes == []
    assert set(answers) <= {"ok", "BID_EXCEEDS_REMAINING", "LISTING_FULLY_FUNDED",
                            "LISTING_CLOSED"}
    listing.refresh_from_db()
    accepted = sum(b.amount_fen for b in Bid.objects.filter(listing=listing,
                                                            status=BidStatus.ACCEPTED))
    assert listing_funded_fen(listing) <= listing.amount_fen
    if listing.status == ListingStatus.FUNDED:
        assert accepted == listing.amount_fen == listing.funded_fen
    assert ledger_verify().ok
