from django.apps import AppConfig


class LendingConfig(AppConfig):
    name = "puhui.lending"
    label = "lending"

    def ready(self) -> None:
        from puhui.core.business_day import daily_steps_register
        from puhui.lending.tasks import DAILY_STEPS

        daily_steps_register(DAILY_STEPS)
