from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "puhui.ledger"
    label = "ledger"

    def ready(self) -> None:
        from puhui.core.log_sources import log_sources_register
        from puhui.ledger.log_source import TRANSFERS

        log_sources_register(TRANSFERS)
