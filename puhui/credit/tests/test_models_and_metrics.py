"""The credit models on the committed samples: monotone bins, points that add up, determinism,
calibration that moves without changing the ranking, metrics checked against hand-worked cases
and scikit-learn, and clear errors for bad files."""

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

from puhui.credit.datasets import sample_path
from puhui.credit.metrics import auc, deciles, ks, psi
from puhui.credit.scorecard import ScorecardSpec, scorecard_fit
from puhui.credit.scoring import LoadedModel
from puhui.credit.tabular import CreditDataError, table_read
from puhui.credit.training import Recipe, artifact_build, calibration_refit, sigmoid


@pytest.fixture(scope="module")
def german():
    return table_read(sample_path("german"), target="creditability", bad="bad")


@pytest.fixture(scope="module")
def german_artifact(german):
    return artifact_build(german, Recipe(data_file="german-sample.csv", target="creditability",
                                         bad="bad", seed=7))


def test_numerical_bins_are_monotone_in_their_bad_rate(german_artifact):
    spec = ScorecardSpec.from_json(german_artifact["scorecard"])
    numerical = [f for f in spec.features if f.dtype == "numerical"]
    assert numerical
    for feature in numerical:
        rates = [b / n for n, b in zip(feature.count[:-1], feature.bad[:-1], strict=True) if n]
        steps = np.sign(np.diff(rates))
        assert (steps >= 0).all() or (steps <= 0).all(), (feature.name, rates)


def test_more_evidence_of_risk_never_earns_points(german_artifact):
    spec = ScorecardSpec.from_json(german_artifact["scorecard"])
    for feature in spec.features:
        populated = [(w, p) for n, w, p in zip(feature.count, feature.woe, feature.points,
                                               strict=True) if n]
        for (woe_a, points_a), (woe_b, points_b) in itertools.pairwise(populated):
            if woe_a < woe_b:
                assert points_a >= points_b, feature.name


def test_each_factor_s_points_add_up_to_the_score_and_reasons_are_the_points_lost(
        german, german_artifact):
    model = LoadedModel(german_artifact)
    scores = model.scorecard.score_frame(german.features)
    for index in (0, 1, 17, 999):
        row = german.features.iloc[index].to_dict()
        scored = model.score_one(row, kind="scorecard")
        assert sum(scored.points.values()) == scored.score == scores[index]
        for reason in scored.reasons:
            feature = next(f for f in model.scorecard.features if f.name == reason.feature)
            assert reason.points == scored.points[reason.feature]
            assert reason.points_lost == max(feature.points) - reason.points > 0
        lost = [reason.points_lost for reason in scored.reasons]
        assert lost == sorted(lost, reverse=True)


def test_the_challenger_explains_each_decision_by_contributions_that_add_up(
        german, german_artifact):
    model = LoadedModel(german_artifact)
    row = german.features.iloc[3].to_dict()
    matrix = model.challenger.row(row)
    contributions = model.challenger.contributions(matrix)[0]
    assert contributions.sum() == pytest.approx(model.challenger.margin(matrix)[0], abs=1e-9)
    scored = model.score_one(row, kind="challenger")
    a, b = model.calibration["challenger"]
    assert scored.pd == pytest.approx(float(sigmoid(np.array(a + b * contributions.sum()))))
    assert all(reason.log_odds and reason.log_odds > 0 for reason in scored.reasons)


def test_the_challenger_is_monotone_where_it_is_constrained(german, german_artifact):
    model = LoadedModel(german_artifact)
    spec = model.challenger
    base = german.features.iloc[:50].copy()
    for name, direction in zip(spec.features, spec.monotone[:len(spec.features)], strict=True):
        if direction == 0 or name in spec.encodings:
            continue
        low, high = base.copy(), base.copy()
        low[name], high[name] = base[name].min(), base[name].max()
        lower = spec.margin(spec.matrix(low))
        higher = spec.margin(spec.matrix(high))
        assert (direction * (higher - lower) >= -1e-12).all(), name


def test_batch_scoring_equals_one_by_one(german, german_artifact):
    model = LoadedModel(german_artifact)
    frame = german.features.iloc[:40]
    for kind in ("scorecard", "challenger"):
        batch = model.pd_batch(frame, kind=kind)
        one_by_one = [model.score_one(row, kind=kind).pd for row in frame.to_dict("records")]
        assert batch == pytest.approx(one_by_one, rel=1e-12)


def test_two_trainings_give_identical_artifacts(german, german_artifact):
    again = artifact_build(german, Recipe(data_file="german-sample.csv", target="creditability",
                                          bad="bad", seed=7))
    assert json.dumps(again, sort_keys=True) == json.dumps(german_artifact, sort_keys=True)


def test_recalibration_matches_a_new_bad_rate_without_changing_the_ranking(
        german, german_artifact, tmp_path: Path):
    # a "recent vintage": the same applicants with twice as many bads among the goods' scores
    frame = pd.read_csv(sample_path("german"))
    goods = frame.index[frame["creditability"] == "good"][:150]
    frame.loc[goods, "creditability"] = "bad"
    path = tmp_path / "recent.csv"
    frame.to_csv(path, index=False)
    recent = table_read(path, target="creditability", bad="bad")
    refitted = calibration_refit(german_artifact, recent, kind="scorecard")
    before, after = LoadedModel(german_artifact), LoadedModel(refitted)
    pd_before = before.pd_batch(recent.features, kind="scorecard")
    pd_after = after.pd_batch(recent.features, kind="scorecard")
    assert pd_after.mean() == pytest.approx(recent.bad.mean(), abs=1e-6)
    assert (np.argsort(pd_before, kind="stable") == np.argsort(pd_after, kind="stable")).all()
    assert refitted["scorecard"] == german_artifact["scorecard"]
    assert refitted["version"] != german_artifact["version"]


def test_metrics_agree_with_hand_worked_cases_and_scikit_learn():
    bad = np.array([1, 0, 1, 0, 0])
    risk = np.array([0.9, 0.8, 0.4, 0.3, 0.1])
    # bads at 0.9 and 0.4 against goods 0.8, 0.3, 0.1: 5 of 6 pairs ordered right
    assert auc(bad, risk) == pytest.approx(5 / 6)
    # riskiest first: after 0.9 bads 1/2 goods 0 → gap 0.5; after 0.4: 1 vs 1/3 → 2/3
    assert ks(bad, risk) == pytest.approx(2 / 3)
    assert auc(np.array([1, 0]), np.array([0.5, 0.5])) == 0.5  # a tie counts half
    generator = np.random.default_rng(3)
    outcome = generator.integers(0, 2, 500)
    predicted = np.clip(outcome * 0.3 + generator.random(500) * 0.7, 0, 1)
    assert auc(outcome, predicted) == pytest.approx(roc_auc_score(outcome, predicted))
    assert deciles(outcome, predicted)[-1]["bad_rate"] > deciles(outcome, predicted)[0][
        "bad_rate"]
    assert np.mean((predicted - outcome) ** 2) == pytest.approx(
        brier_score_loss(outcome, predicted))
    same = generator.random(1000)
    assert psi(same, same) == 0
    # half the actual population moved from the lowest decile to the highest: by hand,
    # (0.05 − 0.1)·ln(0.5) + (0.15 − 0.1)·ln(1.5) = 0.0549
    expected = np.arange(1000) / 1000
    shifted = np.where(expected < 0.05, 0.99, expected)
    assert psi(expected, shifted) == pytest.approx(0.05 * np.log(2) + 0.05 * np.log(1.5),
                                                   abs=1e-3)


def test_a_wrong_column_or_a_corrupt_file_gets_an_error_naming_it(tmp_path: Path):
    with pytest.raises(CreditDataError, match="column 'outcome' is not in the file"):
        table_read(sample_path("german"), target="outcome", bad="bad")
    with pytest.raises(CreditDataError, match="column 'nope' is not in the file"):
        table_read(sample_path("german"), target="creditability", bad="bad", drop=("nope",))
    with pytest.raises(CreditDataError, match="never has the bad value 'BAD'"):
        table_read(sample_path("german"), target="creditability", bad="BAD")
    three = tmp_path / "three.csv"
    three.write_text("x,y\n1,a\n2,b\n3,c\n", encoding="utf-8")
    with pytest.raises(CreditDataError, match="exactly two outcomes"):
        table_read(three, target="y", bad="a")
    corrupt = tmp_path / "corrupt.csv"
    corrupt.write_bytes(b"x,y\n1,good\n\xff\xfe,bad,extra,cells\n")
    with pytest.raises(CreditDataError, match="not a readable CSV"):
        table_read(corrupt, target="y", bad="bad")
    with pytest.raises(CreditDataError, match="no such file"):
        table_read(tmp_path / "missing.csv", target="y", bad="bad")


def test_columns_are_typed_money_is_read_and_derived_columns_work():
    table = table_read(sample_path("sba"), target="MIS_Status", bad="CHGOFF",
                       drop=("Name", "LoanNr_ChkDgt", "ChgOffDate", "ChgOffPrinGr",
                             "BalanceGross", "Term", "ApprovalDate", "DisbursementDate"),
                       where="ApprovalFY <= 2002",
                       derive=("guaranteed_share=SBA_Appv/GrAppv", "real_estate=Term>=240"),
                       categorical=("NAICS",))
    assert "GrAppv" in table.numerical
    assert {"Bank", "State", "NAICS"} <= set(table.categorical)
    assert "Term" not in table.columns
    assert table.features["guaranteed_share"].between(0, 1).all()
    assert set(table.features["real_estate"].unique()) <= {0.0, 1.0}


def test_scorecard_fit_refuses_data_with_no_information(tmp_path: Path):
    flat = tmp_path / "flat.csv"
    flat.write_text("x,y\n" + "1,good\n1,bad\n" * 100, encoding="utf-8")
    with pytest.raises(ValueError, match="no feature carries information"):
        scorecard_fit(table_read(flat, target="y", bad="bad"))
