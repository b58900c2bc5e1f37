"""``puhui custodian serve [--port 8100] [--db var/custodian.sqlite3]`` — the simulated bank;
``puhui custodian reconcile --date D`` — the platform's daily reconciliation with it."""

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.core.errors import PuhuiError
from puhui.custody.bank import bank_serve
from puhui.custody.services import custody_reconcile


class Command(BaseCommand):
    help = "Run the simulated custodian bank, or reconcile the ledger with the custodian."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        serve = actions.add_parser("serve")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8100)
        serve.add_argument("--db", type=Path, default=settings.DATA_DIR / "custodian.sqlite3")
        reconcile = actions.add_parser("reconcile")
        reconcile.add_argument("--date", type=date.fromisoformat, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "serve":
            self.stdout.write(f"custodian bank on http://{options['host']}:{options['port']} "
                              f"(books in {options['db']})")
            bank_serve(host=options["host"], port=options["port"], database=str(options["db"]),
                       secret=settings.PUHUI_CUSTODIAN_SECRET)
            return
        try:
            result = custody_reconcile(business_date=options["date"])
        except PuhuiError as error:
            raise CommandError(str(error)) from None
        for difference in result.differences:
            self.stdout.write(f"DIFFERENCE {difference}")
        if not result.ok:
            raise CommandError(f"reconciliation {result.business_date}: "
                               f"{len(result.differences)} difference(s)")
        self.stdout.write(f"reconciliation {result.business_date}: "
                          f"{result.accounts_compared} sub-accounts agree")
