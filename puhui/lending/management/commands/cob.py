"""``puhui cob --date D [--partition I --partitions N]``: close of business for a date."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from puhui.lending.cob import cob_run_for_date
from puhui.lending.reminders import reminders_send
from puhui.lending.services import listings_close_expired


class Command(BaseCommand):
    help = ("Mark overdue installments, accrue penalty, set loan status, queue reminders and "
            "send them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, required=True)
        parser.add_argument("--partition", type=int, default=0)
        parser.add_argument("--partitions", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        result = cob_run_for_date(business_date=options["date"],
                                  partition=options["partition"],
                                  partitions=options["partitions"])
        if options["partition"] == 0:
            closed = listings_close_expired(business_date=options["date"])
            self.stdout.write(f"listings whose window ended: {closed} closed")
        self.stdout.write(
            f"COB {result.business_date} partition {result.partition}/{result.partitions}: "
            f"{result.installments_overdue} installments overdue, {result.loans_overdue} loans "
            f"overdue, {result.loans_in_default} in default, {result.reminders_queued} reminders")
        sent = reminders_send()
        self.stdout.write(f"reminders: {sent}")
        if sent.failed:
            self.stderr.write(f"the mail server stopped the reminders ({sent.failed}); "
                              "`puhui reminders` sends the rest")
