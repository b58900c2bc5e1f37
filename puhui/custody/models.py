"""The platform's side of custody: which ledger account is which custodian sub-account, how far
the ledger has been replayed to the bank, and each day's reconciliation."""

from django.db import models


class SubAccount(models.Model):
    ledger_account_id = models.BigIntegerField(unique=True)
    number = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.number} ↔ ledger {self.ledger_account_id}"


class SyncCursor(models.Model):
    """The last ledger transfer replayed to the custodian (a single row)."""

    last_created_at = models.DateTimeField(null=True, blank=True)
    last_transfer_id = models.UUIDField(null=True, blank=True)

    def __str__(self) -> str:
        return f"synced up to {self.last_created_at}"


class Reconciliation(models.Model):
    business_date = models.DateField()
    ran_at = models.DateTimeField(auto_now_add=True)
    accounts_compared = models.PositiveIntegerField()
    differences = models.JSONField(default=list)  # [{number, ledger_fen, custodian_fen}]

    def __str__(self) -> str:
        return f"reconciliation {self.business_date}: {len(self.differences)} differences"

    @property
    def ok(self) -> bool:
        return not self.differences
