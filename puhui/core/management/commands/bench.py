"""``puhui bench <workload> [--json]``: hot-path speed beside the database's own limit.

Each run works in a scratch copy of the configured database (created, migrated and dropped
here), so a benchmark never writes into the real ledger.
"""

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from puhui.core.pii import pii_keys

PII_KEY_NAMES = ("PUHUI_PII_KEYS", "PUHUI_BLIND_INDEX_KEY")


class Command(BaseCommand):
    help = "Benchmark a hot path against the limit of the same database, measured in the same run."

    def add_arguments(self, parser: CommandParser) -> None:
        workloads = parser.add_subparsers(dest="workload", required=True)
        ledger = workloads.add_parser("ledger", help="transfers per second")
        ledger.add_argument("--transfers", type=int, default=50_000)
        ledger.add_argument("--single", type=int, default=None,
                            help="transfers in the one-per-commit run (default N/25, ≤ 2,000)")
        ledger.add_argument("--json", action="store_true")
        bidding = workloads.add_parser("bidding", help="concurrent investors over HTTP")
        bidding.add_argument("--investors", type=int, default=200)
        bidding.add_argument("--json", action="store_true")
        cob = workloads.add_parser("cob", help="one close-of-business day over a generated book")
        cob.add_argument("--loans", type=int, default=1_000_000)
        cob.add_argument("--workers", type=int, default=2,
                         help="partitions run at once (the machine has 2 cores)")
        cob.add_argument("--json", action="store_true")
        registry = workloads.add_parser("registry", help="trade-line ingestion and reports")
        registry.add_argument("--trade-lines", type=int, default=1_000_000)
        registry.add_argument("--concurrency", type=int, default=50)
        registry.add_argument("--reports", type=int, default=2_000)
        registry.add_argument("--json", action="store_true")
        scoring = workloads.add_parser("scoring", help="credit scoring: one and in batches")
        scoring.add_argument("--applications", type=int, default=100_000)
        scoring.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workload"] == "bidding":
            self._bidding(options)
            return
        if options["workload"] == "cob":
            self._cob(options)
            return
        if options["workload"] == "scoring":
            self._scoring(options)
            return
        if options["workload"] == "registry":
            self._registry(options)
            return
        from puhui.ledger.bench import bench_ledger

        if options["transfers"] < 2 * 1_000:
            self.stderr.write("--transfers must be at least 2,000")
            raise SystemExit(2)
        with scratch_database():
            report = bench_ledger(transfers=options["transfers"],
                                  single_transfers=options["single"])
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(f"puhui bench ledger — {report['database']}, "
                          f"{report['accounts']:,} accounts, {report['transfers']:,} transfers")
        self.stdout.write(f"{'workload':<10}{'ours/s':>14}{'SQL limit/s':>14}{'ratio':>8}")
        for workload in ("batched", "hot", "single"):
            self.stdout.write(
                f"{workload:<10}{report[f'transfers_per_s_{workload}']:>14,.0f}"
                f"{report[f'sql_limit_per_s_{workload}']:>14,.0f}"
                f"{report[f'ratio_{workload}']:>8.2f}"
            )
        goals = ", ".join(f"{key} ≥ {value}" for key, value in report["goals"].items())
        verdict = "met" if report["goals_met"] else "NOT met"
        self.stdout.write(f"goals ({goals}): {verdict}")


    def _registry(self, options: dict[str, Any]) -> None:
        from puhui.registry.bench import bench_registry

        with scratch_database():
            report = bench_registry(trade_lines=options["trade_lines"],
                                    concurrency=options["concurrency"],
                                    reports=options["reports"])
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(f"puhui bench registry — {report['database']}")
        self.stdout.write(f"ingestion: {report['trade_lines']:,} trade lines at "
                          f"{report['trade_lines_per_s']:,}/s; plain bulk insert "
                          f"{report['sql_limit_trade_lines_per_s']:,}/s; ratio "
                          f"{report['ratio_ingestion']}")
        self.stdout.write(f"reports: {report['reports']:,} at {report['concurrency']} at once, "
                          f"{report['reports_per_s']}/s, p50 {report['report_latency_ms_p50']} ms, "
                          f"p99 {report['report_latency_ms_p99']} ms, refused "
                          f"{report['refused']}")

    def _scoring(self, options: dict[str, Any]) -> None:
        """In-process, no database writes: the active model's artifact is read, not changed."""
        from puhui.credit.bench import bench_scoring
        from puhui.credit.models import CreditModel

        model = CreditModel.objects.filter(active=True).first()
        if model is None:
            self.stderr.write("no credit model is active (puhui credit models)")
            raise SystemExit(2)
        report = bench_scoring(artifact=model.artifact, applications=options["applications"])
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(f"puhui bench scoring — model {report['model_version']}, "
                          f"{report['applications']:,} applications in the batch")
        self.stdout.write(f"{'model':<12}{'one p50 ms':>12}{'one p99 ms':>12}{'batch/s':>12}")
        for kind in ("scorecard", "challenger"):
            self.stdout.write(f"{kind:<12}{report[f'single_ms_p50_{kind}']:>12.3f}"
                              f"{report[f'single_ms_p99_{kind}']:>12.3f}"
                              f"{report[f'batch_per_s_{kind}']:>12,}")
        self.stdout.write(f"floor (numpy gather of points): {report['floor_per_s']:,}/s; "
                          f"scorecard at {report['ratio_scorecard_to_floor']} of it")
        verdict = "met" if report["goals_met"] else "NOT met"
        self.stdout.write(f"goals (one p99 < {report['goals']['single_ms_p99']} ms, batch ≥ "
                          f"{report['goals']['batch_per_s']:,}/s): {verdict}")

    def _bidding(self, options: dict[str, Any]) -> None:
        from puhui.lending.bench import bench_bidding

        with scratch_database():
            report = bench_bidding(investors=options["investors"])
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(
            f"puhui bench bidding — {report['database']}, {report['investors']} investors over "
            f"HTTP on one listing of {report['listing_amount']} CNY\n"
            f"accepted bids/s {report['accepted_bids_per_s']}, latency p50 "
            f"{report['latency_ms_p50']} ms, p99 {report['latency_ms_p99']} ms, "
            f"answers {report['answers']}\n"
            f"overfunded: {report['overfunded']}; funded = posted bids: "
            f"{report['funded_equals_posted']}")


    def _cob(self, options: dict[str, Any]) -> None:
        from puhui.lending.bench_cob import bench_cob

        with scratch_database():
            report = bench_cob(loans=options["loans"], workers=options["workers"])
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(
            f"puhui bench cob — {report['database']}, {report['loans']:,} loans, "
            f"{report['installments']:,} installments (generated in "
            f"{report['book_generate_seconds']} s)\n"
            f"one COB day {report['cob_seconds']} s with {report['workers']} workers; "
            f"plain SQL pass "
            f"{report['sql_pass_seconds']} s; {report['installments_overdue']:,} installments "
            f"overdue; goal < 60 s: {'met' if report['goal_met'] else 'NOT met'}")


class scratch_database:
    """Create, migrate, use and drop a copy of the configured database."""

    def __enter__(self) -> None:
        # Throw-away keys for the personal data the benchmark makes up (shared with servers
        # it starts through the environment).
        self.saved_keys = {k: os.environ.get(k) for k in PII_KEY_NAMES}
        os.environ["PUHUI_PII_KEYS"] = "bench:" + base64.b64encode(os.urandom(32)).decode()
        os.environ["PUHUI_BLIND_INDEX_KEY"] = base64.b64encode(os.urandom(32)).decode()
        pii_keys.cache_clear()
        self.original_name = connection.settings_dict["NAME"]
        test = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            self.scratch_dir = tempfile.TemporaryDirectory(prefix="puhui-bench-")
            test["NAME"] = str(Path(self.scratch_dir.name) / "bench.sqlite3")
        else:
            test["NAME"] = f"{self.original_name}_bench"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    def __exit__(self, *exc: object) -> None:
        connection.creation.destroy_test_db(self.original_name, verbosity=0)
        for name, value in self.saved_keys.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        pii_keys.cache_clear()
        if connection.vendor == "sqlite":
            self.scratch_dir.cleanup()
