"""Scoring with a registered artifact: one application in-process, or a batch.

A ``LoadedModel`` is built once per model version and kept (artifacts are immutable), so one
application costs a few dictionary lookups and, for the challenger, one tree walk.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from puhui.credit.challenger import ChallengerSpec
from puhui.credit.features import BOOLEAN_FEATURES, FEATURE_LABELS
from puhui.credit.scorecard import ScorecardSpec
from puhui.credit.training import sigmoid

REASONS_SHOWN = 4


@dataclass(frozen=True)
class Reason:
    feature: str
    label_en: str
    label_zh: str
    value: str  # the applicant's value, as a person reads it
    bin: str  # scorecard: the bin it fell in; challenger: empty
    points: int | None  # scorecard: this factor's points; they add up to the score
    points_lost: int | None  # scorecard: below the factor's best bin
    log_odds: float | None  # challenger: this factor's push towards a bad outcome


@dataclass(frozen=True)
class Scored:
    score: int  # scorecard points, whichever model decides
    pd: float
    kind: str
    points: dict[str, int]  # per feature; adds up to ``score``
    reasons: list[Reason]


def _labels(feature: str) -> tuple[str, str]:
    return FEATURE_LABELS.get(feature, (feature, feature))


class LoadedModel:
    def __init__(self, artifact: dict[str, Any]):
        self.version: str = artifact["version"]
        self.scorecard = ScorecardSpec.from_json(artifact["scorecard"])
        self.challenger = ChallengerSpec.from_json(artifact["challenger"])
        self.calibration = {kind: (c["a"], c["b"]) for kind, c in artifact["calibration"].items()}
        self.reference_margins = artifact["reference_margins"]
        self.columns = [*artifact["columns"]["numerical"], *artifact["columns"]["categorical"]]

    def _pd(self, kind: str, margin: float | np.ndarray) -> Any:
        a, b = self.calibration[kind]
        return sigmoid(a + b * np.asarray(margin, dtype=np.float64))

    def score_one(self, row: dict[str, object], *, kind: str) -> Scored:
        placed = self.scorecard.points_one(row)
        points = {feature.name: feature.points[index] for feature, index in placed}
        score = sum(points.values())
        if kind == "scorecard":
            pd_ = float(self._pd("scorecard", -score))
            lost = sorted(((max(f.points) - f.points[i], f, i) for f, i in placed),
                          key=lambda item: -item[0])
            reasons = [Reason(f.name, *_labels(f.name), _shown(f.name, row.get(f.name)),
                              f.labels()[i], f.points[i], gap, None)
                       for gap, f, i in lost[:REASONS_SHOWN] if gap > 0]
            return Scored(score, pd_, kind, points, reasons)
        matrix = self.challenger.row(row)
        contributions = self.challenger.contributions(matrix)[0]
        pd_ = float(self._pd("challenger", float(contributions.sum())))
        pushes = sorted(zip(self.challenger.features, contributions[:-1], strict=True),
                        key=lambda item: -item[1])
        reasons = [Reason(name, *_labels(name), _shown(name, row.get(name)), "", None, None,
                          round(float(push), 4))
                   for name, push in pushes[:REASONS_SHOWN] if push > 0]
        return Scored(score, pd_, kind, points, reasons)

    def pd_batch(self, frame: pd.DataFrame, *, kind: str) -> np.ndarray:
        if kind == "scorecard":
            margin = -self.scorecard.score_frame(frame).astype(np.float64)
        else:
            margin = self.challenger.margin(self.challenger.matrix(frame))
        return np.asarray(self._pd(kind, margin))

    def margin_of(self, score: int, pd_: float, *, kind: str) -> float:
        """The margin a decision had (for drift against the training reference)."""
        if kind == "scorecard":
            return float(-score)
        a, b = self.calibration[kind]
        return (math.log(pd_ / (1 - pd_)) - a) / b


def _shown(feature: str, value: object) -> str:
    if value is None:
        return ""
    if feature in BOOLEAN_FEATURES:
        return "yes · 是" if value in (1, 1.0, True) else "no · 否"
    if feature == "amount_dollars":
        return f"≈ US${float(value):,.0f}"  # type: ignore[arg-type]
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return str(value)


_LOADED: dict[str, LoadedModel] = {}


def model_loaded(version: str, artifact: Callable[[], dict[str, Any]]) -> LoadedModel:
    """The model of ``version``, built from ``artifact()`` the first time only (artifacts are
    immutable, so a version never changes)."""
    if version not in _LOADED:
        _LOADED[version] = LoadedModel(artifact())
    return _LOADED[version]
