"""``puhui audit …``, on any role that keeps a log:

    extend        append what the log sources wrote since the last run, sign a checkpoint
    verify        replay the log from its rows and check every checkpoint (exit 1 on a problem)
    checkpoints   the signed tree heads, newest first
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from puhui.audit.log import checkpoint_sign, log_extend
from puhui.audit.models import LogCheckpoint
from puhui.audit.verification import log_verify


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("extend")
        actions.add_parser("verify")
        actions.add_parser("checkpoints")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "extend":
            added = log_extend()
            head = checkpoint_sign()
            self.stdout.write(f"{added} leaves appended; checkpoint at size {head.size}")
        elif options["action"] == "checkpoints":
            for head in LogCheckpoint.objects.order_by("-size")[:50]:
                self.stdout.write(f"{head.size:>12}  {bytes(head.root).hex()}  "
                                  f"{head.created_at:%Y-%m-%d %H:%M:%S}")
        else:
            self._verify()

    def _verify(self) -> None:
        with Progress(transient=True) as progress:
            task = progress.add_task("replaying the log", total=None)
            result = log_verify(lambda done, total: progress.update(task, completed=done,
                                                                     total=total))
        for problem in result.problems:
            self.stderr.write(f"  {problem}")
        if not result.passed:
            more = result.problem_count - len(result.problems)
            raise CommandError(f"the log does not verify: {result.problem_count} problems"
                               + (f" ({more} more not shown)" if more > 0 else ""))
        self.stdout.write(f"the log verifies: {result.size} leaves; every checkpoint "
                          f"({result.checkpoints}) matches the rows and is signed")
