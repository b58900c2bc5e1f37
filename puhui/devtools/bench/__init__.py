"""The benchmarks behind ``puhui bench <workload>``: one module per hot path, each declaring
its ``WORKLOAD`` — the command-line arguments it takes, how it runs (in a scratch copy of the
configured database or not) and how its report reads — so the command is a loop over this
table. A new hot path adds a module and a line here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandParser


class WorkloadRefused(ValueError):
    """An argument out of range: the command says why and exits with 2."""


@dataclass(frozen=True)
class Workload:
    name: str
    help: str
    arguments: Callable[[CommandParser], None]
    run: Callable[[dict[str, Any]], dict[str, Any]]
    lines: Callable[[dict[str, Any]], list[str]]  # the report, for people
    scratch_database: bool = True  # False: reads only (the scoring benchmark)


def workloads() -> list[Workload]:
    from puhui.devtools.bench import audit, bidding, cob, ledger, pledges, registry, scoring

    return [ledger.WORKLOAD, bidding.WORKLOAD, pledges.WORKLOAD, cob.WORKLOAD,
            registry.WORKLOAD, scoring.WORKLOAD, audit.WORKLOAD]
