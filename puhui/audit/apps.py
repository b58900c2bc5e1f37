from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "puhui.audit"
    label = "audit"
