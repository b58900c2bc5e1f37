"""Accounts and transfers. See the package docstring for the guarantees they carry."""

from django.db import models
from django.db.models import F, Q


class NormalBalance(models.TextChoices):
    """Which side an account's balance is read on; statements and reconciliation use it."""

    CREDIT = "credit", "credit"  # liabilities to the owner: wallets, escrow, income
    DEBIT = "debit", "debit"  # assets: the custodian bank's money as the platform mirrors it


class Account(models.Model):
    kind = models.CharField(max_length=40)
    owner = models.CharField(max_length=64, blank=True, db_index=True)
    currency = models.CharField(max_length=3)
    normal_balance = models.CharField(
        max_length=6, choices=NormalBalance.choices, default=NormalBalance.CREDIT
    )
    debits_must_not_exceed_credits = models.BooleanField(default=False)
    credits_must_not_exceed_debits = models.BooleanField(default=False)
    debits_pending = models.BigIntegerField(default=0)
    debits_posted = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(debits_pending__gte=0, debits_posted__gte=0,
                            credits_pending__gte=0, credits_posted__gte=0),
                name="ledger_account_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(debits_must_not_exceed_credits=True,
                             credits_must_not_exceed_debits=True),
                name="ledger_account_flags_mutually_exclusive",
            ),
            models.CheckConstraint(
                condition=Q(debits_must_not_exceed_credits=False)
                | Q(credits_posted__gte=F("debits_pending") + F("debits_posted")),
                name="ledger_account_debits_within_credits",
            ),
            models.CheckConstraint(
                condition=Q(credits_must_not_exceed_debits=False)
                | Q(debits_posted__gte=F("credits_pending") + F("credits_posted")),
                name="ledger_account_credits_within_debits",
            ),
            models.CheckConstraint(
                condition=Q(normal_balance__in=NormalBalance.values),
                name="ledger_account_normal_balance_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.owner} #{self.pk} ({self.currency})"

    @property
    def balance_posted(self) -> int:
        if self.normal_balance == NormalBalance.DEBIT:
            return self.debits_posted - self.credits_posted
        return self.credits_posted - self.debits_posted

    @property
    def balance_available(self) -> int:
        """Posted balance less what pending transfers have reserved against it."""
        if self.normal_balance == NormalBalance.DEBIT:
            return self.debits_posted - self.credits_posted - self.credits_pending
        return self.credits_posted - self.debits_posted - self.debits_pending


class TransferKind(models.TextChoices):
    POSTED = "posted", "posted"  # single-phase
    PENDING = "pending", "pending"
    POST_PENDING = "post_pending", "post_pending"
    VOID_PENDING = "void_pending", "void_pending"
    EXPIRE_PENDING = "expire_pending", "expire_pending"  # written by the expiry sweep only


RESOLUTION_KINDS = (TransferKind.POST_PENDING, TransferKind.VOID_PENDING,
                    TransferKind.EXPIRE_PENDING)


class Transfer(models.Model):
    id = models.UUIDField(primary_key=True)  # client-supplied: the idempotency key
    # Indexed together with created_at below; a second single-column index would only slow
    # every insert.
    debit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    credit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # For a post: the amount posted; for a void or expiry: the pending amount released.
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=14, choices=TransferKind.choices)
    linked = models.BooleanField(default=False)
    # At most one resolution per pending transfer: the partial unique constraint below.
    pending = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    timeout_seconds = models.IntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="ledger_transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")),
                name="ledger_transfer_accounts_different",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TransferKind.values), name="ledger_transfer_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[TransferKind.POSTED, TransferKind.PENDING],
                            pending__isnull=True)
                | Q(kind__in=RESOLUTION_KINDS, pending__isnull=False),
                name="ledger_transfer_pending_id_iff_resolution",
            ),
            models.CheckConstraint(
                condition=Q(timeout_seconds=0) | Q(kind=TransferKind.PENDING),
                name="ledger_transfer_timeout_only_pending",
            ),
            models.UniqueConstraint(
                fields=["pending"], condition=Q(pending__isnull=False),
                name="ledger_transfer_pending_resolved_once",
            ),
        ]
        indexes = [
            models.Index(fields=["debit_account", "created_at"], name="ledger_tr_debit_time"),
            models.Index(fields=["credit_account", "created_at"], name="ledger_tr_credit_time"),
            models.Index(fields=["expires_at"], name="ledger_tr_expiry",
                         condition=Q(expires_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} {self.amount} {self.currency}"
