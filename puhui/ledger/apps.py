from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "puhui.ledger"
    label = "ledger"
