"""A user has exactly one role; an API token authenticates a machine client as a user.

Token secrets are never stored: only their SHA-256 digest, so a leaked database does not leak
working tokens.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BORROWER = "borrower", _("Borrower")
    INVESTOR = "investor", _("Investor")
    OPERATOR = "operator", _("Platform operator")
    REGULATOR = "regulator", _("Regulator")


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices)

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


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
