from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "puhui.credit"
    label = "credit"
