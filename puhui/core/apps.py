from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "puhui.core"
    label = "core"
