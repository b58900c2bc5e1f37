from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "puhui.parties"
    label = "parties"

    def ready(self) -> None:
        from puhui.notifications.kinds import notice_kinds_register
        from puhui.parties.notices import NOTICE_KINDS

        notice_kinds_register(NOTICE_KINDS)
