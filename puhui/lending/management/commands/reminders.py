"""``puhui reminders``: send the reminders close of business queued and nobody has sent yet."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from puhui.lending.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Send queued repayment reminders (e-mail, and the loan's page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500,
                            help="at most this many in one run (default 500)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        sent = reminders_send(batch=options["batch"])
        self.stdout.write(f"reminders: {sent}")
        if sent.failed:
            raise CommandError(f"the mail server stopped the run ({sent.failed}); what was not "
                               "sent is sent by the next run")
