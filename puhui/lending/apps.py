from django.apps import AppConfig


class LendingConfig(AppConfig):
    name = "puhui.lending"
    label = "lending"
