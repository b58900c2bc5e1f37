from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "puhui.notifications"
    label = "notifications"

    def ready(self) -> None:
        from puhui.core.business_day import daily_steps_register
        from puhui.notifications.tasks import DAILY_STEPS

        daily_steps_register(DAILY_STEPS)
