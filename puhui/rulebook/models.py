"""Every rule evaluation that decides something is recorded with its rule id and rulebook."""

from django.db import models


class RuleEvaluation(models.Model):
    rulebook_id = models.CharField(max_length=40)
    rulebook_version = models.CharField(max_length=20)
    rule_id = models.CharField(max_length=120)
    subject = models.CharField(max_length=64, db_index=True)  # e.g. "enterprise:12"
    inputs = models.JSONField()
    outcome = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["rule_id", "created_at"], name="rulebook_eval_rule_time")]

    def __str__(self) -> str:
        return f"{self.rulebook_id}@{self.rulebook_version} {self.rule_id} → {self.subject}"
