"""``puhui cob --date D [--partition I --partitions N]``: close of business for a date."""

from datetime import date
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    no_translations,
)

from puhui.core.business_day import Partition
from puhui.operations.close_of_business import close_of_business_run


class Command(BaseCommand):
    help = ("Close of business for a business date: every app's daily steps in order (loans "
            "overdue, penalty, status; listings whose window ended; reminders).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, required=True)
        parser.add_argument("--partition", type=int, default=0)
        parser.add_argument("--partitions", type=int, default=1)

    @no_translations  # the command speaks English, like every `puhui` command
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partition = Partition(options["partition"], options["partitions"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        outcome = close_of_business_run(business_date=options["date"], partition=partition)
        self.stdout.write(f"COB {outcome.business_date} partition {partition.index}/"
                          f"{partition.count}:")
        for step in outcome.steps:
            self.stdout.write(f"  {step.name}: {step.result.summary()}")
        for problem in outcome.problems:
            self.stderr.write(problem)
