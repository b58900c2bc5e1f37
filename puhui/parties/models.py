"""A user has exactly one role; an API token authenticates a machine client as a user.

Token secrets are never stored: only their SHA-256 digest, so a leaked database does not leak
working tokens.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from puhui.core.transitions import StatusMoves


class Role(models.TextChoices):
    BORROWER = "borrower", _("Borrower")
    INVESTOR = "investor", _("Investor")
    OPERATOR = "operator", _("Platform operator")
    REGULATOR = "regulator", _("Regulator")


class OperatorDuty(models.TextChoices):
    """What an operator may do; an administrator grants duties when creating the account."""

    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")
    RISK_OFFICER = "risk_officer", _("Risk officer")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices)
    # Operators only: a list of OperatorDuty values.
    duties = models.JSONField(default=list, blank=True)
    # The language of the pages they last chose, and so of their e-mails ("" = the default).
    language = models.CharField(max_length=10, blank=True, default="", db_default="")
    # The zone the pages show times in (core.time_zones; "" = the platform's).
    time_zone = models.CharField(max_length=40, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="parties_user_role_valid"
            ),
        ]

    @property
    def ledger_owner(self) -> str:
        """How ledger accounts name this user as their owner."""
        return f"user:{self.pk}"

    def has_duty(self, duty: "OperatorDuty") -> bool:
        return self.role == Role.OPERATOR and duty in self.duties


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for review")
    REVIEWED = "reviewed", _("Reviewed, waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


REVIEW_MOVES = StatusMoves("admittance review", {
    # a size class the rulebook refuses rejects an application on submission
    ReviewStatus.SUBMITTED: frozenset({ReviewStatus.REVIEWED, ReviewStatus.REJECTED}),
    ReviewStatus.REVIEWED: frozenset({ReviewStatus.APPROVED, ReviewStatus.REJECTED}),
    ReviewStatus.APPROVED: frozenset(), ReviewStatus.REJECTED: frozenset(),
})


class Industry(models.TextChoices):
    """The 16 industries of the 2011 size-class table; the thresholds live in the rulebook."""

    AGRICULTURE = "agriculture", _("Agriculture, forestry, animal husbandry and fishery")
    INDUSTRY = "industry", _("Industry (mining, manufacturing, utilities)")
    CONSTRUCTION = "construction", _("Construction")
    WHOLESALE = "wholesale", _("Wholesale")
    RETAIL = "retail", _("Retail")
    TRANSPORT = "transport", _("Transport (excluding railways)")
    WAREHOUSING = "warehousing", _("Warehousing")
    POSTAL = "postal", _("Postal services")
    ACCOMMODATION = "accommodation", _("Accommodation")
    CATERING = "catering", _("Catering")
    INFORMATION_TRANSMISSION = "information-transmission", _("Information transmission")
    SOFTWARE_IT = "software-it", _("Software and information technology services")
    REAL_ESTATE_DEVELOPMENT = "real-estate-development", _("Real-estate development")
    PROPERTY_MANAGEMENT = "property-management", _("Property management")
    LEASING_BUSINESS_SERVICES = "leasing-business-services", _("Leasing and business services")
    OTHER = "other", _("Other industries")


class Enterprise(models.Model):
    """A small or micro enterprise that a borrower represents (KYB).

    Personal data of the legal representative and the bank account are stored encrypted
    (``*_encrypted``) with a keyed blind index (``*_index``) for matching; see core.pii.
    """

    representative = models.ForeignKey(User, on_delete=models.PROTECT,
                                       related_name="enterprises")
    name = models.CharField(max_length=200)
    uscc = models.CharField(max_length=18, unique=True)  # public registry number, not PII
    legal_rep_name = models.CharField(max_length=100)
    legal_rep_id_encrypted = models.TextField()
    legal_rep_id_index = models.CharField(max_length=64, db_index=True)
    legal_rep_id_masked = models.CharField(max_length=18)
    phone_encrypted = models.TextField()
    phone_index = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(max_length=20)
    industry = models.CharField(max_length=40, choices=Industry.choices)
    employees = models.PositiveIntegerField()
    revenue_wan = models.DecimalField(max_digits=14, decimal_places=2)
    total_assets_wan = models.DecimalField(max_digits=14, decimal_places=2)
    registered_capital_wan = models.DecimalField(max_digits=14, decimal_places=2)
    founded_on = models.DateField()
    region = models.CharField(max_length=100)
    bank_name = models.CharField(max_length=100)
    bank_account_encrypted = models.TextField()
    bank_account_index = models.CharField(max_length=64, db_index=True)
    bank_account_masked = models.CharField(max_length=40)
    size_class = models.CharField(max_length=6)
    size_classification = models.JSONField()  # the rule, figures and reasons that decided it
    status = models.CharField(max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"

    @property
    def subject(self) -> str:
        return f"enterprise:{self.pk}"


class LicenceDocument(models.Model):
    """An uploaded licence or certificate, stored outside the web root, never served raw."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT,
                                   related_name="documents")
    kind = models.CharField(max_length=40)
    file = models.FileField(upload_to="licences/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} of {self.enterprise_id}"


class InvestorKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    INSTITUTION = "institution", _("Institution")


class InvestorProfile(models.Model):
    """KYC of an investor and the suitability level that gates what they may buy."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="investor_profile")
    kind = models.CharField(max_length=12, choices=InvestorKind.choices)
    full_name = models.CharField(max_length=200)
    # natural persons: resident ID (encrypted) and the birth date it carries
    resident_id_encrypted = models.TextField(blank=True)
    resident_id_index = models.CharField(max_length=64, blank=True, db_index=True)
    resident_id_masked = models.CharField(max_length=18, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    # institutions: the unified social credit code
    uscc = models.CharField(max_length=18, blank=True)
    phone_encrypted = models.TextField()
    phone_index = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(max_length=20)
    bank_card_encrypted = models.TextField()
    bank_card_index = models.CharField(max_length=64, db_index=True)
    bank_card_masked = models.CharField(max_length=40)
    declared_income_yuan = models.DecimalField(max_digits=16, decimal_places=2)
    net_worth_yuan = models.DecimalField(max_digits=16, decimal_places=2)
    questionnaire = models.JSONField()  # {question id: option id}
    suitability_score = models.PositiveIntegerField()
    suitability_level = models.CharField(max_length=40)
    max_product_risk = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.full_name} ({self.kind})"

    @property
    def subject(self) -> str:
        return f"investor:{self.pk}"


class AdmittanceReview(models.Model):
    """Maker-checker: one operator reviews, a different one approves or rejects."""

    enterprise = models.OneToOneField(Enterprise, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="review")
    investor = models.OneToOneField(InvestorProfile, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="review")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.SUBMITTED)
    reviewer = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    review_note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approver = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False, investor__isnull=True)
                | models.Q(enterprise__isnull=True, investor__isnull=False),
                name="parties_review_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(approver__isnull=True)
                | ~models.Q(approver=models.F("reviewer")),
                name="parties_review_maker_is_not_checker",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} ({self.status})"

    @property
    def subject(self) -> str:
        return self.enterprise.subject if self.enterprise else self.investor.subject  # type: ignore[union-attr]


class TotpDevice(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)  # a code is good once

    def __str__(self) -> str:
        return f"TOTP of {self.user_id}"


class LoginFailure(models.Model):
    """Failed sign-ins, counted per user name to throttle and lock out guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} at {self.created_at}"
