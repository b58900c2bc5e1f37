from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "puhui.registry"
    label = "registry"

    def ready(self) -> None:
        from puhui.core.business_day import daily_steps_register
        from puhui.notifications.kinds import notice_kinds_register
        from puhui.registry.notices import DISPUTE_KINDS, NOTICE_KINDS
        from puhui.registry.tasks import DAILY_STEPS

        notice_kinds_register((*NOTICE_KINDS, *DISPUTE_KINDS))
        daily_steps_register(DAILY_STEPS)
