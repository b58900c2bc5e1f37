"""The challenger: gradient-boosted trees (LightGBM) with monotone constraints, explained per
decision by each feature's contribution (LightGBM's TreeSHAP) in log-odds.

Categorical columns enter as the smoothed log-odds of their category (out of fold while
training, so a category does not learn its own outcome) and as the category's number of rows in
training (a bank with 10,000 loans is not one with 10); numerical columns enter as they are.
Every feature is constrained to move risk one way only: a category's log-odds upwards, a
numerical column in the direction of its rank correlation with the outcome in training
(unconstrained when that correlation is negligible). Training is deterministic: a fixed seed,
LightGBM's ``deterministic`` mode and a fixed thread count.
"""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from puhui.credit.tabular import Table

SMOOTHING_ROWS = 20  # a category's own rate counts like this many rows of the overall rate
NEGLIGIBLE_CORRELATION = 0.05
ENCODING_FOLDS = 5
THREADS = 2


def _log_odds(bads: np.ndarray, rows: np.ndarray, prior: float) -> np.ndarray:
    rate = (bads + SMOOTHING_ROWS * prior) / (rows + SMOOTHING_ROWS)
    return np.asarray(np.log(rate / (1 - rate)))


def _unseen_log_odds(prior: float) -> float:
    return float(np.log(prior / (1 - prior)))


def _encoding(values: pd.Series, bad: np.ndarray, prior: float) -> dict[str, float]:
    grouped = pd.DataFrame({"c": values.to_numpy(), "b": bad}).groupby("c")["b"].agg(
        ["sum", "count"])
    odds = _log_odds(grouped["sum"].to_numpy(), grouped["count"].to_numpy(), prior)
    return {str(c): round(float(v), 6) for c, v in zip(grouped.index, odds, strict=True)}


def _parameters(rows: int, seed: int) -> dict[str, Any]:
    small = rows < 5000
    return {
        "objective": "binary", "learning_rate": 0.03 if small else 0.05,
        "num_leaves": 7 if small else 63, "min_data_in_leaf": 20 if small else 100,
        "bagging_fraction": 0.8, "bagging_freq": 1, "feature_fraction": 0.8,
        "lambda_l2": 1.0, "seed": seed, "deterministic": True, "force_row_wise": True,
        "num_threads": THREADS, "verbose": -1,
    }


@dataclass
class ChallengerSpec:
    features: list[str]
    categorical: list[str]
    encodings: dict[str, dict[str, float]]
    frequencies: dict[str, dict[str, int]]  # a category's rows in training (0: unseen)
    prior_log_odds: float
    monotone: list[int]  # per model column: the features, then each category's rows
    model: str  # LightGBM's text format
    _booster: Any = None

    def matrix(self, frame: pd.DataFrame) -> np.ndarray:
        columns = []
        for name in self.features:
            if name in self.encodings:
                table = self.encodings[name]
                columns.append(frame[name].map(table).fillna(self.prior_log_odds)
                               .to_numpy(np.float64))
            else:
                columns.append(frame[name].to_numpy(np.float64))
        for name in self.categorical:
            columns.append(frame[name].map(self.frequencies[name]).fillna(0)
                           .to_numpy(np.float64))
        return np.column_stack(columns)

    def row(self, values: dict[str, object]) -> np.ndarray:
        cells = []
        for name in self.features:
            value = values.get(name)
            if name in self.encodings:
                cells.append(self.encodings[name].get(str(value), self.prior_log_odds))
            else:
                cells.append(math.nan if value is None else float(value))  # type: ignore[arg-type]
        for name in self.categorical:
            cells.append(float(self.frequencies[name].get(str(values.get(name)), 0)))
        return np.asarray([cells], dtype=np.float64)

    @property
    def booster(self) -> Any:
        if self._booster is None:
            import lightgbm

            self._booster = lightgbm.Booster(model_str=self.model)
        return self._booster

    def margin(self, matrix: np.ndarray) -> np.ndarray:
        """Log-odds of a bad outcome."""
        return np.asarray(self.booster.predict(matrix, raw_score=True, num_threads=1))

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Per feature (a category's rows counted with its category), then the base value, in
        log-odds; each row adds up to its margin."""
        raw = np.asarray(self.booster.predict(matrix, pred_contrib=True, num_threads=1))
        features = raw[:, :len(self.features)].copy()
        for offset, name in enumerate(self.categorical):
            features[:, self.features.index(name)] += raw[:, len(self.features) + offset]
        return np.column_stack([features, raw[:, -1]])

    def as_json(self) -> dict[str, Any]:
        return {"features": self.features, "categorical": self.categorical,
                "encodings": self.encodings, "frequencies": self.frequencies,
                "prior_log_odds": self.prior_log_odds,
                "monotone": self.monotone, "model": self.model}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ChallengerSpec":
        return cls(**data)


def challenger_fit(table: Table, *, seed: int = 7, rounds: int | None = None) -> ChallengerSpec:
    import lightgbm
    from scipy.stats import spearmanr
    from sklearn.model_selection import StratifiedKFold

    bad = table.bad.astype(np.float64)
    prior = float(bad.mean())
    encodings = {name: _encoding(table.features[name], bad, prior) for name in table.categorical}
    frequencies = {name: {str(c): int(n) for c, n in table.features[name].value_counts()
                          .sort_index().items()} for name in table.categorical}
    features = list(table.columns)
    columns, monotone = [], []

    def direction(values: np.ndarray) -> int:
        present = ~np.isnan(values)
        rho = spearmanr(values[present], bad[present]).statistic if present.sum() > 2 else 0.0
        return 0 if not np.isfinite(rho) or abs(rho) < NEGLIGIBLE_CORRELATION \
            else int(np.sign(rho))

    for name in features:
        if name in encodings:
            out_of_fold = np.empty(len(bad))
            folds = StratifiedKFold(ENCODING_FOLDS, shuffle=True, random_state=seed)
            for fit, apply in folds.split(bad, table.bad):
                table_fit = _encoding(table.features[name].iloc[fit], bad[fit], prior)
                out_of_fold[apply] = table.features[name].iloc[apply].map(table_fit).fillna(
                    _unseen_log_odds(prior)).to_numpy()
            columns.append(out_of_fold)
            monotone.append(1)
        else:
            values = table.features[name].to_numpy(np.float64)
            monotone.append(direction(values))
            columns.append(values)
    for name in table.categorical:
        rows = table.features[name].map(frequencies[name]).to_numpy(np.float64)
        monotone.append(direction(rows))
        columns.append(rows)
    parameters = _parameters(len(bad), seed) | {"monotone_constraints": monotone}
    dataset = lightgbm.Dataset(np.column_stack(columns), label=bad, free_raw_data=True,
                               params={"verbose": -1})
    booster = lightgbm.train(parameters, dataset,
                             num_boost_round=rounds or (300 if len(bad) < 5000 else 500))
    return ChallengerSpec(features=features, categorical=list(table.categorical),
                          encodings=encodings, frequencies=frequencies,
                          prior_log_odds=round(_unseen_log_odds(prior), 6),
                          monotone=monotone, model=booster.model_to_string())
