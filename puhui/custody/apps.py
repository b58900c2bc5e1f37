from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "puhui.custody"
    label = "custody"
