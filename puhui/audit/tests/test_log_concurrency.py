"""Appenders and signers racing on PostgreSQL, from an empty log (no checkpoint row to lock):
every leaf gets its own index, none is lost, each size is signed once, and the log replays."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from puhui.audit import log
from puhui.audit.models import LogCheckpoint, LogLeaf
from puhui.audit.verification import log_verify
from puhui.core import log_sources
from puhui.core.log_sources import LoggedRow, LogSource

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
BATCHES = 5
PER_BATCH = 37  # crosses tile edges at different points in each thread
written: dict[str, bytes] = {}
RACE = LogSource("test.race", lambda since: [],
                 lambda keys: {key: written[key] for key in keys if key in written})


@pytest.fixture(autouse=True)
def _postgres_only(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("racing writers are proved on PostgreSQL (SQLite has one writer)")
    monkeypatch.setitem(log_sources._sources, RACE.name, RACE)  # for this test only


def test_racing_appenders_and_signers_lose_nothing():
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def appender(seed: int) -> None:
        try:
            start.wait()
            for batch in range(BATCHES):
                rows = []
                for n in range(PER_BATCH):
                    key = f"{seed}-{batch}-{n}-{uuid.uuid4().hex[:6]}"
                    written[key] = key.encode()
                    rows.append(LoggedRow(key, timezone.now(), written[key]))
                log.log_append("test.race", rows)
                log.checkpoint_sign()
        except BaseException as error:  # reported by the test below
            failures.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=appender, args=(seed,)) for seed in range(THREADS)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not failures, failures[:3]
    total = THREADS * BATCHES * PER_BATCH
    assert sorted(LogLeaf.objects.values_list("index", flat=True)) == list(range(total))
    sizes = list(LogCheckpoint.objects.values_list("size", flat=True))
    assert len(sizes) == len(set(sizes))  # each size signed once
    assert max(sizes) == total
    result = log_verify()
    assert result.passed, result.problems
    assert result.checkpoints == len(sizes)
