from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "puhui.parties"
    label = "parties"
