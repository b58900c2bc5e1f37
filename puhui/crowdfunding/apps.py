from django.apps import AppConfig


class CrowdfundingConfig(AppConfig):
    name = "puhui.crowdfunding"
    label = "crowdfunding"

    def ready(self) -> None:
        from puhui.core.business_day import daily_steps_register
        from puhui.crowdfunding.notices import NOTICE_KINDS
        from puhui.crowdfunding.tasks import DAILY_STEPS
        from puhui.notifications.kinds import notice_kinds_register

        daily_steps_register(DAILY_STEPS)
        notice_kinds_register(NOTICE_KINDS)
