"""``puhui bench scoring``: one application scored in-process (p50, p99) and a batch
(applications per second), by the active model's scorecard and challenger, beside the floor
of the same machine in the same run: a bare numpy gather of precomputed points per feature,
the least work any scorer of these features could do.

The applications are the committed SBA sample mapped onto puhui's features, repeated to the
batch size. Goals (issue 5): one application p99 < 10 ms; a batch ≥ 10,000 applications/s.
"""

import csv
import time
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.core.management.base import CommandParser

from puhui.credit.datasets import sample_path
from puhui.credit.features import enterprise_features, sba_features
from puhui.credit.scoring import LoadedModel
from puhui.credit.selectors import active_model
from puhui.devtools.bench import Workload, WorkloadRefused

SINGLE_P99_MS_GOAL = 10.0
BATCH_PER_S_GOAL = 10_000
DOLLARS_PER_YUAN = Decimal("0.14")  # only to turn the sample's dollars into yuan and back


def _rows() -> list[dict[str, object]]:
    with sample_path("sba").open(newline="", encoding="utf-8") as handle:
        return [sba_features(row).as_row() for row in csv.DictReader(handle)]


def _percentile_ms(seconds: list[float], q: float) -> float:
    return round(float(np.percentile(seconds, q)) * 1000, 3)


def bench_scoring(*, artifact: dict[str, Any], applications: int, singles: int = 2_000
                  ) -> dict[str, Any]:
    model = LoadedModel(artifact)
    rows = _rows()
    report: dict[str, Any] = {"model_version": model.version, "applications": applications}
    today = pd.Timestamp("2026-11-26").date()
    for kind in ("scorecard", "challenger"):
        timings = []
        for index in range(singles):
            row = rows[index % len(rows)]
            started = time.perf_counter()
            features = enterprise_features(
                industry=str(row["industry"]), employees=int(str(row["employees"])),
                founded_on=today.replace(year=today.year - 3),
                amount_yuan=Decimal(str(row["amount_dollars"])) / DOLLARS_PER_YUAN,
                dollars_per_yuan=DOLLARS_PER_YUAN, today=today).as_row()
            model.score_one(features, kind=kind)
            timings.append(time.perf_counter() - started)
        report[f"single_ms_p50_{kind}"] = _percentile_ms(timings, 50)
        report[f"single_ms_p99_{kind}"] = _percentile_ms(timings, 99)
    frame = pd.DataFrame(rows * (applications // len(rows) + 1)).iloc[:applications]
    frame = frame.reset_index(drop=True)
    for kind in ("scorecard", "challenger"):
        started = time.perf_counter()
        model.pd_batch(frame, kind=kind)
        report[f"batch_per_s_{kind}"] = round(applications / (time.perf_counter() - started))
    bins = [np.asarray(f.index(frame[f.name])) for f in model.scorecard.features]
    points = [np.asarray(f.points) for f in model.scorecard.features]
    started = time.perf_counter()
    total = np.zeros(applications, dtype=np.int64)
    for bin_of_row, table in zip(bins, points, strict=True):
        total += table[bin_of_row]
    report["floor_per_s"] = round(applications / max(time.perf_counter() - started, 1e-9))
    report["ratio_scorecard_to_floor"] = round(report["batch_per_s_scorecard"]
                                               / report["floor_per_s"], 4)
    report["goals"] = {"single_ms_p99": SINGLE_P99_MS_GOAL, "batch_per_s": BATCH_PER_S_GOAL}
    report["goals_met"] = all(
        report[f"single_ms_p99_{kind}"] < SINGLE_P99_MS_GOAL
        and report[f"batch_per_s_{kind}"] >= BATCH_PER_S_GOAL
        for kind in ("scorecard", "challenger"))
    return report


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--applications", type=int, default=100_000)


def _run(options: dict[str, Any]) -> dict[str, Any]:
    """In-process, no database writes: the active model's artifact is read, not changed."""
    model = active_model()
    if model is None:
        raise WorkloadRefused("no credit model is active (puhui credit models)")
    return bench_scoring(artifact=model.artifact, applications=options["applications"])


def _lines(report: dict[str, Any]) -> list[str]:
    lines = [f"puhui bench scoring — model {report['model_version']}, "
             f"{report['applications']:,} applications in the batch",
             f"{'model':<12}{'one p50 ms':>12}{'one p99 ms':>12}{'batch/s':>12}"]
    for kind in ("scorecard", "challenger"):
        lines.append(f"{kind:<12}{report[f'single_ms_p50_{kind}']:>12.3f}"
                     f"{report[f'single_ms_p99_{kind}']:>12.3f}"
                     f"{report[f'batch_per_s_{kind}']:>12,}")
    lines.append(f"floor (numpy gather of points): {report['floor_per_s']:,}/s; "
                 f"scorecard at {report['ratio_scorecard_to_floor']} of it")
    lines.append(f"goals (one p99 < {report['goals']['single_ms_p99']} ms, batch ≥ "
                 f"{report['goals']['batch_per_s']:,}/s): "
                 f"{'met' if report['goals_met'] else 'NOT met'}")
    return lines


WORKLOAD = Workload("scoring", "credit scoring: one and in batches", _arguments, _run, _lines,
                    scratch_database=False)
