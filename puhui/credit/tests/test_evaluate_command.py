"""``puhui credit evaluate`` on the committed German credit file reproduces the figures in
docs/CREDIT.md, and a bad file or column is a clear error, not a traceback."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from puhui.credit.datasets import sample_path

# docs/CREDIT.md, "German credit": 5-fold stratified CV repeated twice, seed 7.
DOCUMENTED = {
    "scorecard": {"auc": 0.7901, "auc_ci": [0.7257, 0.8524], "gini": 0.5801, "ks": 0.4826,
                  "brier": 0.1666, "psi": 0.0648},
    "challenger": {"auc": 0.7892, "auc_ci": [0.7246, 0.8491], "gini": 0.5784, "ks": 0.4736,
                   "brier": 0.1671, "psi": 0.0718},
}


def _evaluate(*arguments: str) -> dict:
    out = StringIO()
    call_command("credit", "evaluate", "--data", str(sample_path("german")), "--target",
                 "creditability", "--bad", "bad", *arguments, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_evaluate_reproduces_the_documented_german_figures():
    results = _evaluate("--folds", "5", "--repeats", "2")
    for kind, figures in DOCUMENTED.items():
        assert {key: results[kind][key] for key in figures} == figures
        assert len(results[kind]["auc_folds"]) == 10
    assert results["scorecard"]["auc"] >= 0.79  # the goal for the scorecard


def test_a_holdout_evaluation_has_every_key_and_a_decile_table():
    results = _evaluate("--holdout", "0.3")
    for kind in ("scorecard", "challenger"):
        assert {"auc", "auc_ci", "gini", "ks", "brier", "psi", "deciles"} <= set(results[kind])
        assert sum(row["rows"] for row in results[kind]["deciles"]) == 300
        low, high = results[kind]["auc_ci"]
        assert low < results[kind]["auc"] < high


def test_a_wrong_column_is_a_command_error_naming_it():
    with pytest.raises(CommandError, match="column 'default' is not in the file"):
        call_command("credit", "evaluate", "--data", str(sample_path("german")),
                     "--target", "default", "--bad", "bad")
