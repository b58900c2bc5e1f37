from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "puhui.registry"
    label = "registry"

    def ready(self) -> None:
        from puhui.notifications.kinds import notice_kinds_register
        from puhui.registry.notices import NOTICE_KINDS

        notice_kinds_register(NOTICE_KINDS)
