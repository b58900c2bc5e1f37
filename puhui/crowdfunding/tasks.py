"""Crowdfunding's daily step of close of business: campaigns whose deadline has come are
funded or fail (``puhui.core.business_day``). Registered by ``CrowdfundingConfig.ready``."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from puhui.core.business_day import DailyStep, Partition
from puhui.crowdfunding.services import campaigns_settle_due


@dataclass(frozen=True)
class CampaignsSettled:
    settled: int
    problem: str = ""

    def summary(self) -> str:
        return _("Campaigns whose deadline came: {settled} closed.").format(settled=self.settled)


def campaigns_due_settle(business_date: date, partition: Partition) -> CampaignsSettled:
    return CampaignsSettled(campaigns_settle_due(business_date=business_date))


DAILY_STEPS = (
    DailyStep("crowdfunding.deadlines", 250, campaigns_due_settle, every_partition=False),
)
