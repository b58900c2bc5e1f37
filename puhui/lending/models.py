"""Loan products, applications, listings and bids. Money is integer fen; rates are Decimals.

A listing's money lives on the ledger, never in these rows: each bid is a linked pair of pending
transfers — the investor's wallet to the listing's escrow, and one unit of the listing's capacity
(an account holding exactly the listing amount, never overdrawn) to its sink — so the ledger
itself refuses a bid that would overfund the listing, however many race for the last yuan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from puhui.core.transitions import StatusMoves


class RepaymentMethod(models.TextChoices):
    EQUAL_INSTALLMENT = "equal-installment", _("Equal installments (等额本息)")
    EQUAL_PRINCIPAL = "equal-principal", _("Equal principal (等额本金)")
    INTEREST_ONLY = "interest-only", _("Monthly interest, principal at maturity (先息后本)")
    BULLET = "bullet", _("Principal and interest at maturity (一次性还本付息)")


class LoanProduct(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=100)
    name_zh = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="CNY")
    amount_min_fen = models.BigIntegerField()
    amount_max_fen = models.BigIntegerField()
    terms_months = models.JSONField()  # allowed terms, e.g. [3, 6, 12]
    methods = models.JSONField()  # allowed RepaymentMethod values
    rate_annual = models.DecimalField(max_digits=6, decimal_places=4)
    grace_months_max = models.PositiveSmallIntegerField(default=0)
    upfront_fee_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    fee_per_period_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    penalty_rate_daily = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    prepayment_fee_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    min_ticket_fen = models.BigIntegerField()
    ticket_multiple_fen = models.BigIntegerField()
    per_investor_cap_fen = models.BigIntegerField()
    partial_funding_min_share = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True,
        help_text="Fund a listing that reached this share when its window closes; "
                  "empty: all or nothing.",
    )
    risk_level = models.PositiveSmallIntegerField()  # R1–R5, gates investors' suitability
    allocation_order = models.JSONField(default=list)  # e.g. ["penalty", "fee", ...]
    calendar = models.CharField(max_length=10, default="cn")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min_fen__gt=0, amount_max_fen__gte=models.F("amount_min_fen")),
                name="lending_product_amounts_ordered"),
            models.CheckConstraint(condition=Q(risk_level__gte=1, risk_level__lte=5),
                                   name="lending_product_risk_level_1_5"),
            models.CheckConstraint(
                condition=Q(min_ticket_fen__gt=0, ticket_multiple_fen__gt=0,
                            per_investor_cap_fen__gte=models.F("min_ticket_fen")),
                name="lending_product_tickets_sane"),
        ]

    def __str__(self) -> str:
        return self.code


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for review")
    WAITING = "waiting", _("Waiting for the shared credit registry")
    REFUSED = "refused", _("Refused by a pre-approval check")
    REVIEWED = "reviewed", _("Reviewed, waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    LISTED = "listed", _("Listed for investors")
    WITHDRAWN = "withdrawn", _("Withdrawn by the borrower")


APPLICATION_MOVES = StatusMoves("application", {
    # evaluated on submission, and again while it waits for the shared registry
    ApplicationStatus.SUBMITTED: frozenset({
        ApplicationStatus.SUBMITTED, ApplicationStatus.WAITING, ApplicationStatus.REFUSED,
        ApplicationStatus.REVIEWED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.WAITING: frozenset({
        ApplicationStatus.SUBMITTED, ApplicationStatus.WAITING, ApplicationStatus.REFUSED,
        ApplicationStatus.WITHDRAWN}),
    # the checker's decision; or refused when the registry, asked again, refuses it
    ApplicationStatus.REVIEWED: frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED,
                                           ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.APPROVED: frozenset({ApplicationStatus.LISTED, ApplicationStatus.REFUSED,
                                           ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.LISTED: frozenset(), ApplicationStatus.REFUSED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(), ApplicationStatus.WITHDRAWN: frozenset()})


class LoanApplication(models.Model):
    enterprise = models.ForeignKey("parties.Enterprise", on_delete=models.PROTECT,
                                   related_name="loan_applications")
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT)
    amount_fen = models.BigIntegerField()
    term_months = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=20, choices=RepaymentMethod.choices)
    grace_months = models.PositiveSmallIntegerField(default=0)  # interest-only months first
    purpose_category = models.CharField(max_length=40)
    purpose_description = models.TextField()
    planned_payees = models.JSONField(default=list)  # [{"name", "amount_fen"}]
    checks = models.JSONField(default=list)  # [{"rule_id", "passed", "detail"}]
    credit = models.JSONField(default=dict)  # the credit decision's grade, PD, price, limit…
    registry_report = models.JSONField(default=dict)  # the shared registry's, when configured
    registry_report_at = models.DateTimeField(null=True, blank=True)  # when it was asked
    status = models.CharField(max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    review_note = models.TextField(blank=True)  # the reviewer's, shown to the approver
    decision_reasons = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    request_id = models.UUIDField(null=True, blank=True, unique=True)  # its form's: sent once

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0),
                                   name="lending_application_amount_positive"),
            models.CheckConstraint(condition=Q(approver__isnull=True)
                                   | ~Q(approver=models.F("reviewer")),
                                   name="lending_application_maker_is_not_checker"),
        ]

    def __str__(self) -> str:
        return f"application {self.pk}"

    @property
    def subject(self) -> str:
        return f"loan-application:{self.pk}"


class ListingStatus(models.TextChoices):
    OPEN = "open", _("Open for bids")
    FUNDED = "funded", _("Funded")
    FAILED = "failed", _("Not funded; bids released")


LISTING_MOVES = StatusMoves("listing", {
    ListingStatus.OPEN: frozenset({ListingStatus.FUNDED, ListingStatus.FAILED}),
    ListingStatus.FUNDED: frozenset(), ListingStatus.FAILED: frozenset(),
})


class Listing(models.Model):
    application = models.OneToOneField(LoanApplication, on_delete=models.PROTECT,
                                       related_name="listing")
    amount_fen = models.BigIntegerField()
    rate_annual = models.DecimalField(max_digits=6, decimal_places=4)
    opens_at = models.DateTimeField()
    closes_on = models.DateField()  # the window's last working day (rulebook)
    status = models.CharField(max_length=8, choices=ListingStatus.choices,
                              default=ListingStatus.OPEN)
    escrow_account_id = models.BigIntegerField()  # ledger account ids
    capacity_account_id = models.BigIntegerField()
    capacity_sink_account_id = models.BigIntegerField()
    funded_fen = models.BigIntegerField(default=0)  # set when the listing closes
    rulebook_id = models.CharField(max_length=40)
    rulebook_version = models.CharField(max_length=20)
    calendar_warning = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"listing {self.pk}"

    @property
    def subject(self) -> str:
        return f"listing:{self.pk}"


class BidStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CANCELLED = "cancelled", _("Cancelled")
    ACCEPTED = "accepted", _("Accepted")
    RELEASED = "released", _("Released")


BID_MOVES = StatusMoves("bid", {
    BidStatus.PENDING: frozenset({BidStatus.CANCELLED, BidStatus.ACCEPTED, BidStatus.RELEASED}),
    BidStatus.CANCELLED: frozenset(), BidStatus.ACCEPTED: frozenset(),
    BidStatus.RELEASED: frozenset(),
})


class Bid(models.Model):
    """A bid's money is a pending ledger transfer; ``status`` mirrors how it was resolved."""

    id = models.UUIDField(primary_key=True)  # the client's idempotency key; the transfer id
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="bids")
    investor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="bids")
    amount_fen = models.BigIntegerField()
    capacity_transfer_id = models.UUIDField()
    status = models.CharField(max_length=10, choices=BidStatus.choices,
                              default=BidStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0),
                                              name="lending_bid_amount_positive")]
        indexes = [models.Index(fields=["listing", "status"], name="lending_bid_listing_status")]

    def __str__(self) -> str:
        return f"bid {self.id}"


class LoanStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    OVERDUE = "overdue", _("Overdue")
    DEFAULT = "default", _("In default")
    CLOSED = "closed", _("Repaid")
    WRITTEN_OFF = "written_off", _("Written off")


_LOAN_OPEN = frozenset({LoanStatus.CURRENT, LoanStatus.OVERDUE, LoanStatus.DEFAULT})
LOAN_MOVES = StatusMoves("loan", {
    # close of business moves an open loan between current, overdue and default by its worst
    # days past due; repayment or recovery closes it, a write-off ends it
    **{status: (_LOAN_OPEN - {status}) | {LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF}
       for status in _LOAN_OPEN},
    LoanStatus.CLOSED: frozenset(), LoanStatus.WRITTEN_OFF: frozenset(),
})


class Loan(models.Model):
    """A funded listing: what the borrower owes, by installment, and who holds it (notes)."""

    listing = models.OneToOneField(Listing, on_delete=models.PROTECT, related_name="loan")
    principal_fen = models.BigIntegerField()
    rate_annual = models.DecimalField(max_digits=6, decimal_places=4)
    method = models.CharField(max_length=20, choices=RepaymentMethod.choices)
    value_date = models.DateField()
    upfront_fee_fen = models.BigIntegerField(default=0)
    apr = models.DecimalField(max_digits=8, decimal_places=6)  # all-in annual cost (IRR)
    borrower_account_id = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=LoanStatus.choices,
                              default=LoanStatus.CURRENT)

    def __str__(self) -> str:
        return f"loan {self.pk}"


class Installment(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="installments")
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    principal_fen = models.BigIntegerField()
    interest_fen = models.BigIntegerField()
    fee_fen = models.BigIntegerField()
    principal_paid_fen = models.BigIntegerField(default=0)
    interest_paid_fen = models.BigIntegerField(default=0)
    fee_paid_fen = models.BigIntegerField(default=0)
    # Set by close of business from the date alone (so a rerun changes nothing).
    penalty_fen = models.BigIntegerField(default=0)
    penalty_paid_fen = models.BigIntegerField(default=0)
    days_past_due = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["loan", "number"],
                                               name="lending_installment_unique_number")]

    def __str__(self) -> str:
        return f"installment {self.number} of loan {self.loan_id}"

    def owed(self, part: str) -> int:
        return getattr(self, f"{part}_fen") - getattr(self, f"{part}_paid_fen")

    @property
    def owed_total_fen(self) -> int:
        return sum(self.owed(part) for part in ("principal", "interest", "fee", "penalty"))

    @property
    def settled(self) -> bool:  # no part is ever paid beyond what it owes
        return self.owed_total_fen == 0


class Note(models.Model):
    """An investor's share of a loan; repayments are split across notes by largest remainder."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="notes")
    investor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="notes")
    principal_fen = models.BigIntegerField()
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="note")
    principal_received_fen = models.BigIntegerField(default=0)
    interest_received_fen = models.BigIntegerField(default=0)  # penalty interest included
    written_off_fen = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"note of {self.investor_id} in loan {self.loan_id}"

    @property
    def outstanding_fen(self) -> int:
        return self.principal_fen - self.principal_received_fen - self.written_off_fen


class Repayment(models.Model):
    """One payment by the borrower and how it was allocated; its id is the idempotency key."""

    id = models.UUIDField(primary_key=True)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    amount_fen = models.BigIntegerField()
    kind = models.CharField(max_length=20)  # regular | prepay_full
    allocation = models.JSONField()  # {"penalty": fen, "fee": fen, "interest": fen, ...}
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"repayment {self.id}"


class CobRun(models.Model):
    """One partition of one close-of-business date; a rerun finds it and starts over cleanly."""

    business_date = models.DateField()
    partition = models.PositiveSmallIntegerField()
    partitions = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    installments_overdue = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["business_date", "partition", "partitions"], name="lending_cob_run_once")]

    def __str__(self) -> str:
        return f"COB {self.business_date} {self.partition}/{self.partitions}"


class Reminder(models.Model):
    """A reminder queued by close of business (at most one per installment, kind and date) and
    delivered by ``lending.reminders.reminders_send``."""

    installment = models.ForeignKey(Installment, on_delete=models.CASCADE,
                                    related_name="reminders")
    kind = models.CharField(max_length=10)  # upcoming | overdue
    business_date = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)  # delivered (lending.reminders)
    # e-mailed to the borrower's representative; false: shown on the loan's page only
    emailed = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["installment", "kind", "business_date"], name="lending_reminder_once")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for installment {self.installment_id}"


class PenaltyAccrual(models.Model):
    """One day's penalty interest on one overdue installment (at most one per day)."""

    installment = models.ForeignKey(Installment, on_delete=models.PROTECT,
                                    related_name="penalty_accruals")
    business_date = models.DateField()
    amount_fen = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installment", "business_date"],
                                               name="lending_penalty_once_a_day")]

    def __str__(self) -> str:
        return f"penalty {self.amount_fen} on {self.business_date}"


class CollectionCase(models.Model):
    """Opened by close of business when a loan goes into default; recoveries are recorded here
    and reach the notes pro rata; a write-off closes it."""

    loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="collection")
    opened_on = models.DateField()
    recovered_fen = models.BigIntegerField(default=0)
    written_off_fen = models.BigIntegerField(default=0)
    closed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"collection of loan {self.loan_id}"


class Recovery(models.Model):
    """Money recovered on a loan in default; its id is the idempotency key."""

    id = models.UUIDField(primary_key=True)
    case = models.ForeignKey(CollectionCase, on_delete=models.PROTECT, related_name="recoveries")
    amount_fen = models.BigIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0),
                                              name="lending_recovery_amount_positive")]

    def __str__(self) -> str:
        return f"recovery {self.id}"
