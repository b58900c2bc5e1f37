"""The scorecard: optimal monotone binning (optbinning), weight of evidence, logistic regression,
and integer points scaled by base score, base odds and points to double the odds (PDO).

The fitted scorecard is plain data (``ScorecardSpec``, stored as JSON in the model registry):
scoring needs neither optbinning nor scikit-learn, only the bins and their points. Each
feature's points are an integer per bin, so the points of the factors add up to the score
exactly, and the reason codes are the factors that lost the most points against their best bin.

Weight of evidence here is ``ln(share of bads in the bin ÷ share of goods in the bin)``:
positive means riskier. Bins with a trend (numerical) are monotone in their bad rate; a feature
whose regression coefficient comes out negative (against its own evidence, through
collinearity) is dropped and the regression refitted, so more evidence of risk never earns
points.
"""

import bisect
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from puhui.credit.tabular import Table

UNSEEN = "(other)"
# A category rarer than this is pooled with the other rare ones before binning.
CATEGORY_SHARE_MIN = 0.0005


@dataclass(frozen=True)
class Scaling:
    base_score: int = 600
    base_odds: int = 50  # good : bad at the base score
    pdo: int = 20

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)


@dataclass
class FeatureBins:
    """One feature's bins. Numerical: bin ``i`` holds ``splits[i-1] <= x < splits[i]``, and the
    last bin holds missing values. Categorical: bin ``i`` holds the categories in
    ``categories[i]``, and the last bin holds categories never seen in training."""

    name: str
    dtype: str  # numerical | categorical
    splits: list[float] = field(default_factory=list)
    categories: list[list[str]] = field(default_factory=list)
    count: list[int] = field(default_factory=list)
    bad: list[int] = field(default_factory=list)
    woe: list[float] = field(default_factory=list)
    points: list[int] = field(default_factory=list)

    @property
    def bins(self) -> int:
        return (len(self.splits) + 2) if self.dtype == "numerical" else len(self.categories) + 1

    def labels(self) -> list[str]:
        if self.dtype == "categorical":
            return [", ".join(group[:6]) + (" …" if len(group) > 6 else "")
                    for group in self.categories] + [UNSEEN]
        edges = [-math.inf, *self.splits, math.inf]
        return [_interval(low, high) for low, high in itertools.pairwise(edges)] + [
            "(missing)"]

    def index(self, values: pd.Series) -> np.ndarray:
        """The bin of each value (vectorised; the serving path uses ``index_one``)."""
        if self.dtype == "numerical":
            numbers = values.to_numpy(dtype="float64")
            found = np.searchsorted(np.asarray(self.splits), numbers, side="right")
            return np.where(np.isnan(numbers), self.bins - 1, found)
        lookup = self._category_lookup()
        return values.map(lambda value: lookup.get(value, self.bins - 1)).to_numpy(np.int64)

    def index_one(self, value: object) -> int:
        if self.dtype == "numerical":
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return self.bins - 1
            return bisect.bisect_right(self.splits, float(value))  # type: ignore[arg-type]
        return self._category_lookup().get(str(value), self.bins - 1)

    def _category_lookup(self) -> dict[str, int]:
        cached: dict[str, int] | None = getattr(self, "_lookup", None)
        if cached is None:
            cached = {str(c): i for i, group in enumerate(self.categories) for c in group}
            self._lookup = cached
        return cached

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "splits": self.splits,
                "categories": self.categories, "count": self.count, "bad": self.bad,
                "woe": self.woe, "points": self.points}


def _interval(low: float, high: float) -> str:
    if low == -math.inf:
        return f"< {high:g}"
    if high == math.inf:
        return f"≥ {low:g}"
    return f"{low:g} to < {high:g}"


@dataclass
class ScorecardSpec:
    features: list[FeatureBins]
    intercept: float
    coefficients: dict[str, float]
    scaling: Scaling

    def score_frame(self, frame: pd.DataFrame) -> np.ndarray:
        total = np.zeros(len(frame), dtype=np.int64)
        for feature in self.features:
            total += np.asarray(feature.points, dtype=np.int64)[feature.index(frame[feature.name])]
        return total

    def points_one(self, row: dict[str, object]) -> list[tuple[FeatureBins, int]]:
        """Each feature with the bin the row falls in; the bins' points add up to the score."""
        return [(feature, feature.index_one(row.get(feature.name))) for feature in self.features]

    def as_json(self) -> dict[str, Any]:
        return {"features": [f.as_json() for f in self.features], "intercept": self.intercept,
                "coefficients": self.coefficients,
                "scaling": {"base_score": self.scaling.base_score,
                            "base_odds": self.scaling.base_odds, "pdo": self.scaling.pdo}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ScorecardSpec":
        return cls(features=[FeatureBins(**f) for f in data["features"]],
                   intercept=data["intercept"], coefficients=data["coefficients"],
                   scaling=Scaling(**data["scaling"]))


def _optimal_bins(name: str, dtype: str, values: pd.Series, bad: np.ndarray,
                  min_bin_share: float) -> FeatureBins:
    from optbinning import OptimalBinning  # heavy import: training only

    binning = OptimalBinning(
        name=name, dtype=dtype, solver="cp", monotonic_trend="auto_asc_desc",
        max_n_prebins=20, min_prebin_size=min_bin_share,
        min_bin_size=min_bin_share, cat_cutoff=CATEGORY_SHARE_MIN if dtype == "categorical"
        else None, time_limit=60)
    binning.fit(values.to_numpy(), bad)
    if dtype == "numerical":
        return FeatureBins(name, dtype, splits=[float(s) for s in binning.splits])
    groups = [sorted(str(c) for c in group) for group in binning.splits]
    rare = sorted(set(values.unique()) - {c for group in groups for c in group})
    if rare:  # below cat_cutoff: optbinning pools them as "others"; keep them together
        groups.append(rare)
    return FeatureBins(name, dtype, categories=groups)


def _count(feature: FeatureBins, values: pd.Series, bad: np.ndarray) -> None:
    index = feature.index(values)
    feature.count = np.bincount(index, minlength=feature.bins).astype(int).tolist()
    feature.bad = np.bincount(index, weights=bad, minlength=feature.bins).astype(int).tolist()
    bads, goods = int(bad.sum()), int(len(bad) - bad.sum())
    feature.woe = [
        round(math.log(((b + 0.5) / (bads + 0.5)) / ((n - b + 0.5) / (goods + 0.5))), 6)
        if n else 0.0
        for n, b in zip(feature.count, feature.bad, strict=True)
    ]


def information_value(feature: FeatureBins) -> float:
    bads = sum(feature.bad) or 1
    goods = (sum(feature.count) - sum(feature.bad)) or 1
    return sum((b / bads - (n - b) / goods) * w
               for n, b, w in zip(feature.count, feature.bad, feature.woe, strict=True))


def scorecard_fit(table: Table, *, scaling: Scaling | None = None, min_iv: float = 0.0,
                  min_bin_share: float = 0.02, regularisation: float = 1.0) -> ScorecardSpec:
    """Fit on ``table``; deterministic (the CP solver finds the optimum, the regression is
    convex), so the same data gives the same bins and points."""
    from sklearn.linear_model import LogisticRegression

    scaling = scaling or Scaling()
    bad = table.bad.astype(np.float64)
    candidates = []
    for name in table.columns:
        dtype = "numerical" if name in table.numerical else "categorical"
        feature = _optimal_bins(name, dtype, table.features[name], table.bad, min_bin_share)
        _count(feature, table.features[name], bad)
        if information_value(feature) > min_iv:
            candidates.append(feature)
    if not candidates:
        raise ValueError("no feature carries information about the outcome "
                         f"(information value above {min_iv})")
    while True:
        woe = np.column_stack([np.asarray(f.woe)[f.index(table.features[f.name])]
                               for f in candidates])
        regression = LogisticRegression(C=regularisation, max_iter=1000)
        regression.fit(woe, table.bad)
        coefficients = regression.coef_[0]
        against = [f for f, c in zip(candidates, coefficients, strict=True) if c <= 0]
        if not against:
            break
        weakest = min(against, key=information_value)
        candidates = [f for f in candidates if f is not weakest]
    intercept = float(regression.intercept_[0])
    share = (scaling.offset - scaling.factor * intercept) / len(candidates)
    for feature, coefficient in zip(candidates, coefficients, strict=True):
        feature.points = [round(share - scaling.factor * coefficient * w) for w in feature.woe]
    return ScorecardSpec(
        features=candidates, intercept=round(intercept, 8),
        coefficients={f.name: round(float(c), 8)
                      for f, c in zip(candidates, coefficients, strict=True)},
        scaling=scaling)
