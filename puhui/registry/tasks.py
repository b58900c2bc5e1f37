"""The registry exchange's daily step on a platform: follow the disputes its borrowers opened."""

from puhui.core.business_day import DailyStep
from puhui.registry.following import disputes_follow_up_step

DAILY_STEPS = (DailyStep("registry.disputes_followed", 800, disputes_follow_up_step,
                         every_partition=False),)
