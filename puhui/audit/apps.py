from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "puhui.audit"
    label = "audit"

    def ready(self) -> None:
        from puhui.audit.log_source import AUDIT_EVENTS
        from puhui.audit.tasks import DAILY_STEPS
        from puhui.core.business_day import daily_steps_register
        from puhui.core.log_sources import log_sources_register

        log_sources_register(AUDIT_EVENTS)
        daily_steps_register(DAILY_STEPS)
