"""The audit log's daily step: the day's rows into the tamper-evident log and a signed
checkpoint, last of close of business, so each day ends on a tree head."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from puhui.audit.log import checkpoint_sign, log_extend
from puhui.core.business_day import DailyStep, Partition


@dataclass(frozen=True)
class LogCheckpointed:
    added: int
    size: int
    problem: str = ""

    def summary(self) -> str:
        return _("Tamper-evident log: {added} rows added; checkpoint signed at {size} "
                 "leaves.").format(added=self.added, size=self.size)


def log_checkpoint_step(business_date: date, partition: Partition) -> LogCheckpointed:
    added = log_extend()
    return LogCheckpointed(added, checkpoint_sign().size)


DAILY_STEPS = (DailyStep("audit.log_checkpointed", 990, log_checkpoint_step,
                         every_partition=False),)
