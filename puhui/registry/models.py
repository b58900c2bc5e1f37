"""The shared credit registry's records. They live in the registry's own database (the registry
is a separate deployment, ``puhui serve --role registry``), never in a platform's.

- ``Member``: a platform or bank allowed to report and query; its signing secret is sealed.
- ``Subject``: an enterprise (USCC) or a person (ID number), found by a keyed blind index; the
  number itself is sealed and only its mask is shown.
- ``Consent``: the subject's permission for one member to query, for a purpose, until a date,
  signed by the member that collected it.
- ``Inquiry``: every query, allowed or not (a refused one too), with member, purpose and time;
  the subject sees the list.
- ``TradeLine``: one financing as the member last reported it (PBOC-like 24-month payment
  history); ``TradeLineReport`` is the append-only log of what was reported, one row per
  member event id, which makes reporting idempotent.
- ``Reservation``: headroom under a cap across members, held while money is being raised:
  a borrower's cap (a listing; released when it fails, converted when the loan is made), a
  backer's 12-month crowdfunding limit (a pledge) or an issuer's 12-month cap (a campaign),
  the last two converted at the amount collected, which counts for 12 months.
- ``NegativeRecord``: default, confirmed fake information or fraud, reported after the subject
  was notified, expiring after the rulebook's retention; ``Dispute`` flags a record or trade
  line until the member answers, escalated past the rulebook's deadline.
- ``RequestNonce``: nonces already used, so a replayed request is refused.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from puhui.core.outbox import OutboxFields


class Member(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=[("platform", _("Platform")),
                                                    ("bank", _("Bank"))])
    secret_sealed = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PERSON = "person", _("Person")


class Subject(models.Model):
    kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    identity_index = models.CharField(max_length=64)
    identity_sealed = models.TextField()
    identity_masked = models.CharField(max_length=24)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "identity_index"],
                                               name="registry_subject_unique_identity")]

    def __str__(self) -> str:
        return f"{self.kind} {self.identity_masked}"


class Purpose(models.TextChoices):
    LOAN_APPLICATION = "loan_application", _("Loan application")
    LOAN_MANAGEMENT = "loan_management", _("Managing an existing loan")
    SUBJECT_REQUEST = "subject_request", _("The subject's own request")


# Inquiries lenders see in a report (a bureau's "hard" inquiries): a lender deciding on new
# credit. The subject looking at their own report and a lender managing an existing loan are
# "soft": logged and shown to the subject, never counted in what members see.
HARD_INQUIRY_PURPOSES = (Purpose.LOAN_APPLICATION,)


class Consent(models.Model):
    consent_id = models.CharField(max_length=64)  # the member's id for it
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="consents")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    signature = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "consent_id"],
                                    name="registry_consent_unique_per_member"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("granted_at")),
                                   name="registry_consent_expires_after_grant"),
        ]

    def __str__(self) -> str:
        return f"consent {self.consent_id} of {self.member_id}"


class Inquiry(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="inquiries")
    subject = models.ForeignKey(Subject, null=True, on_delete=models.PROTECT,
                                related_name="inquiries")
    purpose = models.CharField(max_length=20)
    consent = models.ForeignKey(Consent, null=True, on_delete=models.PROTECT)
    allowed = models.BooleanField()
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"inquiry by {self.member_id} at {self.at:%Y-%m-%d %H:%M}"


class ProductType(models.TextChoices):
    LOAN = "loan", _("Loan")
    DEBT_NOTE = "debt_note", _("Debt note")
    CROWDFUNDING = "crowdfunding", _("Crowdfunding obligation")


class TradeLineStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DEFAULT = "default", _("In default")
    CLOSED = "closed", _("Closed")
    WRITTEN_OFF = "written_off", _("Written off")


class TradeLine(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="trade_lines")
    account_number = models.CharField(max_length=64)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="trade_lines")
    product_type = models.CharField(max_length=12, choices=ProductType.choices)
    opened_on = models.DateField()
    amount_fen = models.BigIntegerField()
    balance_fen = models.BigIntegerField()
    scheduled_payment_fen = models.BigIntegerField()
    past_due_fen = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=TradeLineStatus.choices)
    payment_history = models.CharField(max_length=24)  # newest month last; N, 1–7, C, G, D, Z, #
    first_delinquency_on = models.DateField(null=True, blank=True)
    as_of = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "account_number"],
                                    name="registry_trade_line_unique_account"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0, balance_fen__gte=0,
                                               scheduled_payment_fen__gte=0,
                                               past_due_fen__gte=0),
                                   name="registry_trade_line_amounts_sane"),
        ]

    def __str__(self) -> str:
        return f"trade line {self.account_number} of {self.member_id}"


class TradeLineReport(models.Model):
    """What a member reported, as it reported it; never updated."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(max_length=64)
    event = models.CharField(max_length=20)
    trade_line = models.ForeignKey(TradeLine, on_delete=models.PROTECT, related_name="reports")
    record = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "event_id"],
                                               name="registry_report_unique_event")]

    def __str__(self) -> str:
        return f"report {self.event_id} of {self.member_id}"


class ReservationStatus(models.TextChoices):
    HELD = "held", _("Held")
    RELEASED = "released", _("Released")
    CONVERTED = "converted", _("Converted into a loan")


class ReservationPurpose(models.TextChoices):
    BORROWING = "borrowing", _("Borrowing under the cap across platforms")
    INVESTMENT = "investment", _("A backer's 12-month crowdfunding limit")
    RAISE = "raise", _("An issuer's 12-month crowdfunding cap")


class Reservation(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reservations")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="reservations")
    reference = models.CharField(max_length=64)  # the member's listing, pledge or campaign
    purpose = models.CharField(max_length=12, choices=ReservationPurpose.choices,
                               default=ReservationPurpose.BORROWING)
    amount_fen = models.BigIntegerField()
    limit_fen = models.BigIntegerField(null=True, blank=True)  # as the member stated it
    # a crowdfunding hold counts until then unless resolved: one whose member never said what
    # became of it (its transaction rolled back after the hold) frees the limit by itself
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReservationStatus.choices,
                              default=ReservationStatus.HELD)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "reference"],
                                    name="registry_reservation_unique_reference"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0),
                                   name="registry_reservation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"reservation {self.reference} of {self.member_id}"


class NegativeKind(models.TextChoices):
    DEFAULT = "default", _("Default")
    FAKE_INFORMATION = "fake_information", _("Confirmed fake information")
    FRAUD = "fraud", _("Fraud")


class NegativeRecord(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT,
                                related_name="negative_records")
    kind = models.CharField(max_length=20, choices=NegativeKind.choices)
    detail = models.TextField()
    subject_notified_on = models.DateField()
    reported_on = models.DateField()
    expires_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)  # the member withdrew it on dispute

    class Meta:
        constraints = [models.CheckConstraint(
            condition=Q(subject_notified_on__lte=models.F("reported_on")),
            name="registry_negative_notified_before_reported")]

    def __str__(self) -> str:
        return f"{self.kind} reported {self.reported_on}"


class Dispute(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="disputes")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="disputes")
    negative_record = models.ForeignKey(NegativeRecord, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="disputes")
    trade_line = models.ForeignKey(TradeLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="disputes")
    statement = models.TextField()
    opened_on = models.DateField()
    answer_due_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    upheld = models.BooleanField(null=True)  # the member's answer: the record stands or not
    escalated_on = models.DateField(null=True, blank=True)
    # the member the subject signed in to when disputing: it may follow the dispute's outcome
    opened_through = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(
            condition=Q(negative_record__isnull=False) | Q(trade_line__isnull=False),
            name="registry_dispute_names_a_record")]

    def __str__(self) -> str:
        return f"dispute {self.pk}"


class RequestNonce(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "nonce"],
                                               name="registry_nonce_once")]

    def __str__(self) -> str:
        return self.nonce


class OutboxMessage(OutboxFields):
    """On a platform: what it, as a member, still has to tell the registry (a reservation
    released or converted into a loan's trade line), through ``core.outbox``."""


class FollowedDispute(models.Model):
    """On a platform: a dispute its borrower opened at the registry through it, followed by the
    registry exchange until the member answers, so the borrower is told the outcome."""

    dispute_id = models.BigIntegerField(unique=True)  # the registry's id
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    subject_id = models.CharField(max_length=18)  # the enterprise's USCC
    opened_at = models.DateTimeField(auto_now_add=True)
    answer_due_on = models.DateField()
    escalation_told = models.BooleanField(default=False)
    answer_told_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"followed dispute {self.dispute_id}"
