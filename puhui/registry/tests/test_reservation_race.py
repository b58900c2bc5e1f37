"""Two members racing for one subject's headroom on PostgreSQL: real threads, each with its own
connection, reserving for listings at once. The reservations that succeed never add up past the
cross-platform cap, and every refusal names the cap."""

import threading

import pytest
from django.db import connection, connections

from puhui.core.errors import PuhuiError
from puhui.registry.models import Reservation, ReservationStatus
from puhui.registry.services import member_register, reservation_hold

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
USCC = "91330100MA2H12345X"
THREADS = 24
AMOUNT_FEN = 40_000_000  # 400,000 CNY; the cap is 5,000,000: 12 fit


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is proved on PostgreSQL (SQLite has one writer)")


def test_racing_reservations_on_two_platforms_never_share_headroom():
    members = [member_register(code=f"platform-{c}", name=c, kind="platform")[0] for c in "ab"]
    start = threading.Barrier(THREADS)
    refused: list[str] = []
    failures: list[BaseException] = []

    def reserve(number: int) -> None:
        try:
            start.wait()
            reservation_hold(member=members[number % 2], subject_kind="enterprise",
                             subject_id=USCC, reference=f"listing-{number}",
                             amount_fen=AMOUNT_FEN)
        except PuhuiError as error:
            refused.append(error.code)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=reserve, args=(n,)) for n in range(THREADS)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert failures == []
    held = Reservation.objects.filter(status=ReservationStatus.HELD)
    assert held.count() == 12
    assert sum(r.amount_fen for r in held) == 480_000_000  # 12 × 400,000 ≤ 5,000,000
    assert refused == ["OVER_CROSS_PLATFORM_CAP"] * 12
