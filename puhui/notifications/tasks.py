"""The notices' daily step: e-mail what a failed mail server left due."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from puhui.core.business_day import DailyStep, Partition
from puhui.notifications.services import notices_mail_due


@dataclass(frozen=True)
class NoticesMailed:
    sent: int
    problem: str = ""

    def summary(self) -> str:
        return _("Notices e-mailed: {sent}.").format(sent=self.sent)


def notices_mail_step(business_date: date, partition: Partition) -> NoticesMailed:
    sent, problem = notices_mail_due()
    return NoticesMailed(sent, problem)


DAILY_STEPS = (DailyStep("notifications.mail", 950, notices_mail_step, every_partition=False),)
