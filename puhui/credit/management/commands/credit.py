"""``puhui credit …``: the public data, training, evaluation and the model registry.

    fetch-data [--dataset sba|german]      download, verify and cache the public data
    export-features --out FILE [--max-year Y]
                                           the SBA loans as puhui's feature set (the shipped
                                           model's training file)
    train --data FILE --target COL --bad VALUE [--drop …] [--where …] [--derive …]
          [--categorical …] [--seed N] [--out FILE] [--name NAME] [--activate KIND]
    evaluate --data FILE --target COL --bad VALUE [--folds K --repeats R | --holdout S |
             --test FILE] [--drop …] [--where …] [--derive …] [--categorical …] [--json]
    recalibrate --version V --data FILE [--slope]   PDs matched to a recent vintage
    models                                 the registry, the active model first
    activate --version V --decides scorecard|challenger
"""

import csv
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.core.errors import PuhuiError
from puhui.credit.datasets import DATASETS, DatasetError, dataset_fetch, dataset_path
from puhui.credit.features import sba_features_export
from puhui.credit.models import CreditModel
from puhui.credit.services import model_activate, model_register
from puhui.credit.tabular import CreditDataError, Table, table_read
from puhui.credit.training import (
    MODEL_KINDS,
    Recipe,
    artifact_build,
    calibration_refit,
    evaluate_folds,
    evaluate_holdout,
    evaluate_test,
)


def _table_arguments(parser: CommandParser) -> None:
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--target", required=True)
    parser.add_argument("--bad", required=True, help="the target's value for a bad outcome")
    parser.add_argument("--drop", nargs="*", default=[], metavar="COL")
    parser.add_argument("--where", default="", help="rows to use, e.g. 'ApprovalFY <= 2002'")
    parser.add_argument("--derive", nargs="*", default=[], metavar="NAME=EXPR")
    parser.add_argument("--categorical", nargs="*", default=[], metavar="COL",
                        help="numeric-looking columns to treat as categories")
    parser.add_argument("--seed", type=int, default=7)


def _read(options: dict[str, Any], path: Path | None = None, where: str | None = None,
          keep: tuple[str, ...] = ()) -> Table:
    return table_read(path or options["data"], target=options["target"], bad=options["bad"],
                      drop=tuple(options["drop"]),
                      where=options["where"] if where is None else where,
                      derive=tuple(options["derive"]),
                      categorical=tuple(options["categorical"]), keep=keep)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        fetch = actions.add_parser("fetch-data")
        fetch.add_argument("--dataset", choices=sorted(DATASETS), action="append")
        export = actions.add_parser("export-features")
        export.add_argument("--out", required=True, type=Path)
        export.add_argument("--max-year", type=int, default=2002)
        train = actions.add_parser("train")
        _table_arguments(train)
        train.add_argument("--out", type=Path, help="also write the artifact to this file")
        train.add_argument("--name", default="", help="a name for the registry")
        train.add_argument("--activate", choices=MODEL_KINDS,
                           help="activate it at once, deciding with this model")
        train.add_argument("--no-register", action="store_true")
        evaluate = actions.add_parser("evaluate")
        _table_arguments(evaluate)
        evaluate.add_argument("--folds", type=int, default=5)
        evaluate.add_argument("--repeats", type=int, default=1)
        evaluate.add_argument("--holdout", type=float, help="share held out, e.g. 0.2")
        evaluate.add_argument("--test", type=Path, help="train on --data, test on this file")
        evaluate.add_argument("--test-where", default="")
        evaluate.add_argument("--json", action="store_true")
        recalibrate = actions.add_parser("recalibrate")
        recalibrate.add_argument("--version", required=True)
        recalibrate.add_argument("--data", required=True, type=Path)
        recalibrate.add_argument("--where", default="")
        recalibrate.add_argument("--decides", choices=MODEL_KINDS, default="scorecard")
        recalibrate.add_argument("--slope", action="store_true",
                                 help="refit the slope too, not only the intercept")
        actions.add_parser("models")
        activate = actions.add_parser("activate")
        activate.add_argument("--version", required=True)
        activate.add_argument("--decides", choices=MODEL_KINDS, default="scorecard")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except (CreditDataError, DatasetError) as error:
            raise CommandError(str(error)) from None
        except PuhuiError as error:
            raise CommandError(str(error)) from None

    def _fetch_data(self, options: dict[str, Any]) -> None:
        for name in options["dataset"] or sorted(DATASETS):
            self.stdout.write(f"{name}: {dataset_fetch(name)}")

    def _export_features(self, options: dict[str, Any]) -> None:
        source = dataset_path("sba")
        if not source.is_file():
            source = dataset_fetch("sba")
        with source.open(newline="", encoding="utf-8") as rows, \
                options["out"].open("w", newline="", encoding="utf-8") as out:
            written = sba_features_export(csv.DictReader(rows), out,
                                          max_approval_year=options["max_year"])
        self.stdout.write(f"{written} loans → {options['out']}")

    def _train(self, options: dict[str, Any]) -> None:
        table = _read(options)
        recipe = Recipe(data_file=options["data"].name, target=options["target"],
                        bad=options["bad"], drop=tuple(options["drop"]),
                        where=options["where"], derive=tuple(options["derive"]),
                        seed=options["seed"],
                        notes={"categorical_forced": list(options["categorical"])})
        artifact = artifact_build(table, recipe)
        if options["out"]:
            options["out"].write_text(json.dumps(artifact, sort_keys=True, indent=1) + "\n",
                                      encoding="utf-8")
        train = artifact["metrics"]["train"]
        self.stdout.write(f"version {artifact['version']}: {len(table.bad)} rows, "
                          f"scorecard AUC {train['scorecard']['auc']} "
                          f"({len(artifact['scorecard']['features'])} features), "
                          f"challenger AUC {train['challenger']['auc']} (training data)")
        if options["no_register"]:
            return
        model = model_register(artifact=artifact,
                               name=options["name"] or options["data"].stem)
        if options["activate"]:
            model_activate(model=model, operator=None, decides=options["activate"])
            self.stdout.write(f"active, deciding with the {options['activate']}")

    def _evaluate(self, options: dict[str, Any]) -> None:
        started = time.monotonic()
        table = _read(options)
        seed = options["seed"]
        if options["test"]:
            test = _read(options, path=options["test"], where=options["test_where"],
                         keep=table.columns)
            results = evaluate_test(table, test, seed=seed)
            protocol = f"trained on {len(table.bad)} rows, tested on {len(test.bad)}"
        elif options["holdout"]:
            results = evaluate_holdout(table, share=options["holdout"], seed=seed)
            protocol = f"stratified holdout of {options['holdout']:.0%} of {len(table.bad)} rows"
        else:
            results = evaluate_folds(table, folds=options["folds"],
                                     repeats=options["repeats"], seed=seed)
            protocol = (f"{options['folds']}-fold stratified CV × {options['repeats']} "
                        f"on {len(table.bad)} rows")
        results = results | {"protocol": protocol, "seed": seed,
                             "bad_rate": round(float(table.bad.mean()), 4),
                             "seconds": round(time.monotonic() - started, 1)}
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=1))
            return
        self.stdout.write(f"{protocol}, bad rate {results['bad_rate']:.2%}, seed {seed}")
        self.stdout.write(f"{'':12}{'AUC':>8} {'95% CI':>17} {'Gini':>7} {'KS':>7} "
                          f"{'Brier':>7} {'PSI':>7}")
        for kind in MODEL_KINDS:
            m = results[kind]
            self.stdout.write(f"{kind:12}{m['auc']:>8.4f} [{m['auc_ci'][0]:.4f}, "
                              f"{m['auc_ci'][1]:.4f}] {m['gini']:>7.4f} {m['ks']:>7.4f} "
                              f"{m['brier']:>7.4f} {m['psi']:>7.4f}")
        for kind in MODEL_KINDS:
            rows = "the first fold's held-out rows" if "auc_folds" in results[kind] \
                else "held-out rows"
            self.stdout.write(f"\n{kind}: deciles by predicted PD ({rows})")
            self.stdout.write(f"{'decile':>7}{'rows':>9}{'bads':>7}{'PD mean':>9}"
                              f"{'bad rate':>10}")
            for row in results[kind]["deciles"]:
                self.stdout.write(f"{row['decile']:>7}{row['rows']:>9}{row['bads']:>7}"
                                  f"{row['pd_mean']:>9.4f}{row['bad_rate']:>10.4f}")
        self.stdout.write(f"\n{results['seconds']} s")

    def _recalibrate(self, options: dict[str, Any]) -> None:
        model = CreditModel.objects.filter(version=options["version"]).first()
        if model is None:
            raise CommandError(f"there is no credit model {options['version']}")
        data = model.artifact["data"]
        table = table_read(options["data"], target=data["target"], bad=data["bad"],
                           derive=tuple(data["derive"]), where=options["where"],
                           categorical=tuple(data.get("categorical_forced", [])),
                           keep=tuple(model.artifact["columns"]["numerical"]
                                      + model.artifact["columns"]["categorical"]))
        refitted = calibration_refit(model.artifact, table, kind=options["decides"],
                                     slope=options["slope"])
        new = model_register(artifact=refitted, name=f"{model.name} recalibrated")
        self.stdout.write(f"version {new.version}: {options['decides']} calibration "
                          f"{refitted['calibration'][options['decides']]} on "
                          f"{len(table.bad)} rows (bad rate {table.bad.mean():.2%})")

    def _models(self, options: dict[str, Any]) -> None:
        for model in CreditModel.objects.order_by("-active", "-created_at"):
            train = model.artifact["metrics"]["train"]
            self.stdout.write(f"{'*' if model.active else ' '} {model.version}  {model.name}  "
                              f"decides={model.decides if model.active else '-'}  "
                              f"rows={model.artifact['data']['rows']}  "
                              f"train AUC scorecard={train['scorecard']['auc']} "
                              f"challenger={train['challenger']['auc']}")

    def _activate(self, options: dict[str, Any]) -> None:
        model = CreditModel.objects.filter(version=options["version"]).first()
        if model is None:
            raise CommandError(f"there is no credit model {options['version']}")
        model_activate(model=model, operator=None, decides=options["decides"])
        self.stdout.write(f"{model.version} is active, deciding with the {options['decides']}")

