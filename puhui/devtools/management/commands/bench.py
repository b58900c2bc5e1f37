"""``puhui bench <workload> [--json]``: hot-path speed beside the database's own limit.

Each workload (``puhui.devtools.bench``) runs in a scratch copy of the configured database
(created, migrated and dropped here), so a benchmark never writes into the real ledger.
"""

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from puhui.core.pii import pii_keys
from puhui.devtools.bench import WorkloadRefused, workloads

PII_KEY_NAMES = ("PUHUI_PII_KEYS", "PUHUI_BLIND_INDEX_KEY")


class Command(BaseCommand):
    help = "Benchmark a hot path against the limit of the same database, measured in the same run."

    def add_arguments(self, parser: CommandParser) -> None:
        chosen = parser.add_subparsers(dest="workload", required=True)
        for workload in workloads():
            sub = chosen.add_parser(workload.name, help=workload.help)
            workload.arguments(sub)
            sub.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        workload = next(w for w in workloads() if w.name == options["workload"])
        try:
            if workload.scratch_database:
                with scratch_database():
                    report = workload.run(options)
            else:
                report = workload.run(options)
        except WorkloadRefused as refused:
            raise CommandError(str(refused), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        for line in workload.lines(report):
            self.stdout.write(line)


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
