from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "puhui.operations"
    label = "operations"

    def ready(self) -> None:
        from puhui.core.business_day import daily_steps_register
        from puhui.operations.crowdfunding_notes import DAILY_STEPS

        daily_steps_register(DAILY_STEPS)
