"""``puhui ledger verify | reconcile FILE | expire``."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.core.errors import PuhuiError
from puhui.ledger.selectors import ledger_reconcile, ledger_verify, statement_csv_parse
from puhui.ledger.services import transfers_expire_due


class Command(BaseCommand):
    help = "Verify the ledger, reconcile it with an external statement, or expire holds."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="Σ debits = Σ credits; every total = its transfers")
        reconcile = actions.add_parser(
            "reconcile", help="compare posted balances with a CSV of account,balance"
        )
        reconcile.add_argument("file", type=Path)
        reconcile.add_argument(
            "--only-listed", action="store_true",
            help="expect the statement to cover only the accounts it lists",
        )
        actions.add_parser("expire", help="release pending transfers past their timeout")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self._verify()
        elif action == "reconcile":
            self._reconcile(options["file"], options["only_listed"])
        else:
            self.stdout.write(f"expired {transfers_expire_due()} pending transfers")

    def _verify(self) -> None:
        report = ledger_verify()
        self.stdout.write(
            f"accounts {report.accounts_checked}, transfers {report.transfers_checked}, "
            f"Σ debits_posted {report.debits_posted_total}, "
            f"Σ credits_posted {report.credits_posted_total}, "
            f"Σ pending {report.debits_pending_total}/{report.credits_pending_total} (minor units)"
        )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"MISMATCH {problem}")
            raise CommandError(f"ledger verify failed: {len(report.problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("ledger verify: OK"))

    def _reconcile(self, path: Path, only_listed: bool) -> None:
        try:
            statement = statement_csv_parse(path.read_text(encoding="utf-8"))
            differences = ledger_reconcile(
                statement=statement, account_ids=statement.keys() if only_listed else None
            )
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        except PuhuiError as error:
            raise CommandError(str(error)) from None
        for difference in differences:
            self.stdout.write(
                f"{difference.problem} account {difference.account_id}: "
                f"ledger {difference.ledger_balance} statement {difference.statement_balance}"
                + (f" difference {difference.difference}" if difference.difference else "")
            )
        if differences:
            raise CommandError(f"reconciliation: {len(differences)} difference(s)")
        self.stdout.write(self.style.SUCCESS(f"reconciliation: {len(statement)} accounts agree"))
