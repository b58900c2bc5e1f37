from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60)  # e.g. "admittance.approved"
    subject = models.CharField(max_length=64, db_index=True)  # e.g. "enterprise:12"
    details = models.JSONField(default=dict)  # never clear PII: masked values only
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.subject}"
