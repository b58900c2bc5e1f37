from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "puhui.operations"
    label = "operations"
