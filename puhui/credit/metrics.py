"""How well a model ranks and how true its PDs are: AUC (with a bootstrap 95 % interval), Gini,
KS, Brier score, a decile calibration table, and the population stability index (PSI).

``risk`` is always "higher means riskier" (a PD, or minus a score). Written with numpy from the
definitions; the tests check them against hand-worked cases and scikit-learn.
"""

from typing import Any

import numpy as np
from scipy.stats import rankdata

BOOTSTRAP_SAMPLES = 200
PSI_BINS = 10


def auc(bad: np.ndarray, risk: np.ndarray) -> float:
    """P(a random bad is riskier than a random good), ties counting half (Mann–Whitney)."""
    bads = int(bad.sum())
    goods = len(bad) - bads
    if not bads or not goods:
        raise ValueError("AUC needs both outcomes")
    ranks = rankdata(risk)
    return float((ranks[bad == 1].sum() - bads * (bads + 1) / 2) / (bads * goods))


def auc_interval(bad: np.ndarray, risk: np.ndarray, *, seed: int = 0,
                 samples: int = BOOTSTRAP_SAMPLES) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of AUC over bootstrap resamples (seeded)."""
    generator = np.random.default_rng(seed)
    values = []
    for _ in range(samples):
        pick = generator.integers(0, len(bad), len(bad))
        if 0 < bad[pick].sum() < len(pick):
            values.append(auc(bad[pick], risk[pick]))
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def ks(bad: np.ndarray, risk: np.ndarray) -> float:
    """The largest gap between the cumulative shares of bads and goods, riskiest first."""
    order = np.argsort(-risk, kind="stable")
    sorted_risk, sorted_bad = risk[order], bad[order]
    last_of_tie = np.r_[sorted_risk[1:] != sorted_risk[:-1], True]
    bads = np.cumsum(sorted_bad)[last_of_tie] / sorted_bad.sum()
    goods = np.cumsum(1 - sorted_bad)[last_of_tie] / (len(bad) - sorted_bad.sum())
    return float(np.max(np.abs(bads - goods)))


def brier(bad: np.ndarray, pd_: np.ndarray) -> float:
    return float(np.mean((pd_ - bad) ** 2))


def psi(expected: np.ndarray, actual: np.ndarray, *, bins: int = PSI_BINS) -> float:
    """Population stability of ``actual`` against ``expected`` over ``expected``'s deciles."""
    edges = np.unique(np.quantile(expected, np.linspace(0, 1, bins + 1)[1:-1]))
    return psi_from_shares(_shares(expected, edges), _shares(actual, edges))


def _shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    counts = np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)
    return counts / max(len(values), 1)


def psi_from_shares(expected: np.ndarray, actual: np.ndarray) -> float:
    floor = 1e-4  # an empty bin would make the logarithm infinite
    e, a = np.maximum(expected, floor), np.maximum(actual, floor)
    return float(np.sum((a - e) * np.log(a / e)))


def deciles(bad: np.ndarray, pd_: np.ndarray) -> list[dict[str, Any]]:
    """Rows sorted by predicted PD and cut into ten groups: predicted vs observed bad rate."""
    order = np.argsort(pd_, kind="stable")
    table = []
    for number, part in enumerate(np.array_split(order, 10), start=1):
        if len(part):
            table.append({"decile": number, "rows": len(part), "bads": int(bad[part].sum()),
                          "pd_mean": round(float(pd_[part].mean()), 4),
                          "bad_rate": round(float(bad[part].mean()), 4)})
    return table


def metrics_all(bad: np.ndarray, risk: np.ndarray, pd_: np.ndarray, *,
                train_risk: np.ndarray | None = None, seed: int = 0) -> dict[str, Any]:
    value = auc(bad, risk)
    low, high = auc_interval(bad, risk, seed=seed)
    return {
        "auc": round(value, 4), "auc_ci": [round(low, 4), round(high, 4)],
        "gini": round(2 * value - 1, 4), "ks": round(ks(bad, risk), 4),
        "brier": round(brier(bad, pd_), 4),
        "psi": round(psi(train_risk, risk), 4) if train_risk is not None else None,
        "deciles": deciles(bad, pd_),
    }
