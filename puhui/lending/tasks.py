"""Lending's daily steps of close of business (``puhui.core.business_day``): the loan book
(days past due, penalty, status, reminders queued), listings whose window ended, and the
reminders sent. Registered by ``LendingConfig.ready``; run by ``puhui.operations``."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from puhui.core.business_day import DailyStep, Partition
from puhui.lending.cob import CobResult, cob_run_for_date
from puhui.lending.services import listings_close_expired
from puhui.lending.services.reminders import RemindersSent, reminders_send


@dataclass(frozen=True)
class ListingsClosed:
    closed: int
    problem: str = ""

    def summary(self) -> str:
        return _("Listings whose window ended: {closed} closed.").format(closed=self.closed)


def loan_book_close(business_date: date, partition: Partition) -> CobResult:
    return cob_run_for_date(business_date=business_date, partition=partition.index,
                            partitions=partition.count)


def listings_expired_close(business_date: date, partition: Partition) -> ListingsClosed:
    return ListingsClosed(listings_close_expired(business_date=business_date))


def reminders_queued_send(business_date: date, partition: Partition) -> RemindersSent:
    return reminders_send()


DAILY_STEPS = (
    DailyStep("lending.loan_book", 100, loan_book_close),
    DailyStep("lending.listings_expired", 200, listings_expired_close, every_partition=False),
    DailyStep("lending.reminders", 900, reminders_queued_send),
)
