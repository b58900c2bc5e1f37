"""The model registry, credit decisions and the flags knock-out rules read.

- ``CreditModel``: a trained artifact (JSON: bins, points, trees, calibration, data hash,
  metrics) under its content-derived version. At most one is active (a partial unique index);
  activating names which of its two models decides (``decides``: scorecard or challenger).
- ``CreditDecision``: one per evaluation of an application (an application that waited for the
  shared registry is evaluated again), with the model version, score, grade, PD, price, limit,
  knock-outs, reason codes and the registry report it read; never updated.
- ``CreditFlag``: a standing reason to refuse an enterprise before any score (blacklisted,
  confirmed fake information, fraud), recorded by a risk officer with its evidence.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ModelKind(models.TextChoices):
    SCORECARD = "scorecard", _("Scorecard")
    CHALLENGER = "challenger", _("Challenger (gradient-boosted trees)")


class CreditModel(models.Model):
    version = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    artifact = models.JSONField()
    data_sha256 = models.CharField(max_length=64)
    active = models.BooleanField(default=False)
    decides = models.CharField(max_length=10, choices=ModelKind.choices,
                               default=ModelKind.SCORECARD)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True),
                                    name="credit_one_active_model"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class CreditDecision(models.Model):
    subject = models.CharField(max_length=64, db_index=True)  # loan-application:42
    enterprise = models.ForeignKey("parties.Enterprise", on_delete=models.PROTECT,
                                   related_name="credit_decisions")
    model_version = models.CharField(max_length=40, blank=True)  # blank: knocked out first
    model_kind = models.CharField(max_length=10, blank=True)
    score = models.IntegerField(null=True)  # scorecard points (both kinds carry it)
    grade = models.CharField(max_length=2, blank=True)
    pd = models.DecimalField(max_digits=7, decimal_places=6, null=True)
    rate_annual = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    limit_fen = models.BigIntegerField(null=True)
    amount_fen = models.BigIntegerField()
    passed = models.BooleanField()
    knock_outs = models.JSONField(default=list)  # [{"rule_id", "passed", "detail"}]
    reasons = models.JSONField(default=list)  # [{"feature", "label_en", "label_zh", ...}]
    features = models.JSONField(default=dict)  # the inputs the model saw
    registry_report = models.JSONField(default=dict)  # the shared registry's, when asked
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"credit decision for {self.subject}"


class FlagKind(models.TextChoices):
    BLACKLISTED = "blacklisted", _("Blacklisted")
    FAKE_INFORMATION = "fake_information", _("Confirmed fake information")
    FRAUD = "fraud", _("Fraud")


class CreditFlag(models.Model):
    enterprise = models.ForeignKey("parties.Enterprise", on_delete=models.PROTECT,
                                   related_name="credit_flags")
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    evidence = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} flag on enterprise {self.enterprise_id}"
