"""Training and evaluation: both models (scorecard and challenger) on the same rows, their PDs
calibrated, and the artifact the model registry stores.

An artifact is plain JSON and holds everything scoring needs, plus where it came from (data
file hash, filters, columns, seed) and how it did. It carries no timestamp: the same data and
seed give the same artifact, byte for byte (the registry row keeps the date).

PD calibration is Platt's: ``PD = 1 / (1 + exp(-(a + b·m)))`` on the model's risk margin ``m``
(minus the score for the scorecard; the log-odds for the challenger). ``calibration_refit``
refits ``a`` (and optionally ``b``) on a recent vintage without touching the ranking, so PDs
follow the economy when it turns.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from puhui.credit.challenger import ChallengerSpec, challenger_fit
from puhui.credit.metrics import metrics_all
from puhui.credit.scorecard import ScorecardSpec, scorecard_fit
from puhui.credit.tabular import Table

ARTIFACT_FORMAT = 1
MODEL_KINDS = ("scorecard", "challenger")


@dataclass(frozen=True)
class Recipe:
    """How a table was read, so an artifact can be retrained or a test file read alike."""

    data_file: str
    target: str
    bad: str
    drop: tuple[str, ...] = ()
    where: str = ""
    derive: tuple[str, ...] = ()
    seed: int = 7
    notes: dict[str, Any] = field(default_factory=dict)


def sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -500, 500)))


def platt_fit(margin: np.ndarray, bad: np.ndarray, *, slope: bool = True,
              start: tuple[float, float] | None = None) -> tuple[float, float]:
    """Maximum-likelihood ``a`` and ``b`` by Newton steps on the standardised margin; with
    ``slope=False`` only ``a`` moves, from ``start``."""
    centre, spread = float(margin.mean()), float(margin.std()) or 1.0
    z = (margin - centre) / spread
    if start is None:
        a, b = float(np.log(bad.mean() / (1 - bad.mean()))), 0.0
    else:  # the same line in standardised units
        a, b = start[0] + start[1] * centre, start[1] * spread
    for _ in range(200):
        p = sigmoid(a + b * z)
        w = p * (1 - p)
        gradient = np.array([np.sum(bad - p), np.sum((bad - p) * z)])
        if slope:
            hessian = np.array([[w.sum(), (w * z).sum()], [(w * z).sum(), (w * z * z).sum()]])
            step = np.linalg.solve(hessian + 1e-9 * np.eye(2), gradient)
        else:
            step = np.array([gradient[0] / max(w.sum(), 1e-12), 0.0])
        a, b = a + float(step[0]), b + float(step[1])
        if np.max(np.abs(step)) < 1e-12:
            break
    return round(a - b * centre / spread, 10), round(b / spread, 10)


def scorecard_margin(spec: ScorecardSpec, frame: pd.DataFrame) -> np.ndarray:
    return -spec.score_frame(frame).astype(np.float64)


def challenger_margin(spec: ChallengerSpec, frame: pd.DataFrame) -> np.ndarray:
    return spec.margin(spec.matrix(frame))


@dataclass
class Fitted:
    scorecard: ScorecardSpec
    challenger: ChallengerSpec
    calibration: dict[str, tuple[float, float]]
    train_margins: dict[str, np.ndarray]

    def margins(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        return {"scorecard": scorecard_margin(self.scorecard, frame),
                "challenger": challenger_margin(self.challenger, frame)}

    def pds(self, margins: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {kind: sigmoid(a + b * margins[kind])
                for kind, (a, b) in self.calibration.items()}


def models_fit(table: Table, *, seed: int) -> Fitted:
    scorecard = scorecard_fit(table)
    challenger = challenger_fit(table, seed=seed)
    bad = table.bad.astype(np.float64)
    margins = {"scorecard": scorecard_margin(scorecard, table.features),
               "challenger": challenger_margin(challenger, table.features)}
    return Fitted(scorecard, challenger,
                  calibration={"scorecard": platt_fit(margins["scorecard"], bad),
                               "challenger": (0.0, 1.0)},
                  train_margins=margins)


def _subset(table: Table, rows: np.ndarray) -> Table:
    return Table(table.features.iloc[rows].reset_index(drop=True), table.bad[rows],
                 table.numerical, table.categorical, table.data_sha256, len(rows))


def _score_shares(margin: np.ndarray) -> dict[str, list[float]]:
    """Training margins' decile edges and shares: the reference for monitoring drift (PSI)."""
    edges = np.unique(np.quantile(margin, np.linspace(0, 1, 11)[1:-1]))
    counts = np.bincount(np.searchsorted(edges, margin, side="right"), minlength=len(edges) + 1)
    return {"edges": [float(e) for e in edges],
            "shares": [round(float(c) / len(margin), 6) for c in counts]}


def artifact_build(table: Table, recipe: Recipe) -> dict[str, Any]:
    fitted = models_fit(table, seed=recipe.seed)
    bad = table.bad
    pds = fitted.pds(fitted.train_margins)
    train_metrics = {kind: {key: value for key, value in metrics_all(
        bad, fitted.train_margins[kind], pds[kind], seed=recipe.seed).items()
        if key != "psi"} for kind in MODEL_KINDS}
    artifact: dict[str, Any] = {
        "format": ARTIFACT_FORMAT,
        "data": {"file": recipe.data_file, "sha256": table.data_sha256,
                 "rows": len(bad), "bad_rate": round(float(bad.mean()), 6),
                 "target": recipe.target, "bad": recipe.bad, "drop": list(recipe.drop),
                 "where": recipe.where, "derive": list(recipe.derive), **recipe.notes},
        "seed": recipe.seed,
        "columns": {"numerical": list(table.numerical),
                    "categorical": list(table.categorical)},
        "scorecard": fitted.scorecard.as_json(),
        "challenger": fitted.challenger.as_json(),
        "calibration": {kind: {"a": a, "b": b} for kind, (a, b) in fitted.calibration.items()},
        "reference_margins": {kind: _score_shares(fitted.train_margins[kind])
                              for kind in MODEL_KINDS},
        "metrics": {"train": train_metrics},
    }
    artifact["version"] = artifact_version(artifact)
    return artifact


def artifact_version(artifact: dict[str, Any]) -> str:
    body = {key: value for key, value in artifact.items() if key != "version"}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return f"{artifact['data']['sha256'][:8]}-{digest[:12]}"


def calibration_refit(artifact: dict[str, Any], table: Table, *, kind: str,
                      slope: bool = False) -> dict[str, Any]:
    """A new artifact whose ``kind`` PDs match ``table`` (a recent vintage); bins, points and
    trees are untouched, so the ranking is the same."""
    scorecard = ScorecardSpec.from_json(artifact["scorecard"])
    challenger = ChallengerSpec.from_json(artifact["challenger"])
    margin = (scorecard_margin(scorecard, table.features) if kind == "scorecard"
              else challenger_margin(challenger, table.features))
    current = artifact["calibration"][kind]
    a, b = platt_fit(margin, table.bad.astype(np.float64), slope=slope,
                     start=(current["a"], current["b"]))
    refitted = json.loads(json.dumps(artifact))
    refitted["calibration"][kind] = {"a": a, "b": b}
    refitted["data"].setdefault("recalibrations", []).append(
        {"kind": kind, "sha256": table.data_sha256, "rows": len(table.bad),
         "bad_rate": round(float(table.bad.mean()), 6), "slope_refitted": slope})
    refitted["version"] = artifact_version(refitted)
    return refitted


# --- evaluation -------------------------------------------------------------------------------


def _evaluate_pair(train: Table, test: Table, seed: int) -> dict[str, dict[str, Any]]:
    fitted = models_fit(train, seed=seed)
    margins = fitted.margins(test.features)
    pds = fitted.pds(margins)
    return {kind: metrics_all(test.bad, margins[kind], pds[kind],
                              train_risk=fitted.train_margins[kind], seed=seed)
            for kind in MODEL_KINDS}


def _average(runs: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    if len(runs) == 1:
        return runs[0]
    summary = {}
    for kind in MODEL_KINDS:
        per_fold = [run[kind] for run in runs]
        summary[kind] = {
            key: round(float(np.mean([m[key] for m in per_fold])), 4)
            for key in ("auc", "gini", "ks", "brier", "psi")
        } | {
            # each fold's bootstrap 95 % interval, averaged over the folds
            "auc_ci": [round(float(np.mean([m["auc_ci"][end] for m in per_fold])), 4)
                       for end in (0, 1)],
            "auc_folds": [m["auc"] for m in per_fold],
            "deciles": per_fold[0]["deciles"],  # the first fold's held-out rows
        }
    return summary


def evaluate_folds(table: Table, *, folds: int, repeats: int, seed: int
                   ) -> dict[str, dict[str, Any]]:
    from sklearn.model_selection import RepeatedStratifiedKFold

    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    return _average([_evaluate_pair(_subset(table, fit), _subset(table, held), seed)
                     for fit, held in splitter.split(table.features, table.bad)])


def evaluate_holdout(table: Table, *, share: float, seed: int) -> dict[str, dict[str, Any]]:
    from sklearn.model_selection import train_test_split

    fit, held = train_test_split(np.arange(len(table.bad)), test_size=share,
                                 stratify=table.bad, random_state=seed)
    return _evaluate_pair(_subset(table, fit), _subset(table, held), seed)


def evaluate_test(train: Table, test: Table, *, seed: int) -> dict[str, dict[str, Any]]:
    return _evaluate_pair(train, test, seed)
