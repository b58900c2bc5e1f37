"""Crowdfunding's daily steps of close of business (``puhui.core.business_day``): campaigns
whose deadline has come are funded or fail; pledges not reconfirmed in time lapse; milestones
past their date are missed and votes whose time is up are counted. Registered by
``CrowdfundingConfig.ready``."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from puhui.core.business_day import DailyStep, Partition
from puhui.crowdfunding.services import campaigns_settle_due, milestones_due, pledges_lapse_due


@dataclass(frozen=True)
class CampaignsSettled:
    settled: int
    problem: str = ""

    def summary(self) -> str:
        return _("Campaigns whose deadline came: {settled} closed.").format(settled=self.settled)


def campaigns_due_settle(business_date: date, partition: Partition) -> CampaignsSettled:
    return CampaignsSettled(campaigns_settle_due(business_date=business_date))


@dataclass(frozen=True)
class PledgesLapsed:
    lapsed: int
    problem: str = ""

    def summary(self) -> str:
        return _("Pledges not reconfirmed in time: {lapsed} cancelled.").format(
            lapsed=self.lapsed)


def reconfirmations_due_lapse(business_date: date, partition: Partition) -> PledgesLapsed:
    return PledgesLapsed(pledges_lapse_due(business_date=business_date))


@dataclass(frozen=True)
class MilestonesMoved:
    moved: int
    problem: str = ""

    def summary(self) -> str:
        return _("Milestones missed or votes counted: {moved}.").format(moved=self.moved)


def milestones_due_move(business_date: date, partition: Partition) -> MilestonesMoved:
    return MilestonesMoved(milestones_due(business_date=business_date))


DAILY_STEPS = (
    DailyStep("crowdfunding.reconfirmations", 245, reconfirmations_due_lapse,
              every_partition=False),
    DailyStep("crowdfunding.deadlines", 250, campaigns_due_settle, every_partition=False),
    DailyStep("crowdfunding.milestones", 255, milestones_due_move, every_partition=False),
)
