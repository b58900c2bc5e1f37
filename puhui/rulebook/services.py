"""Writes: the record of a rule evaluation that decided something about a subject."""

from typing import Any

from puhui.rulebook.models import RuleEvaluation


def rule_evaluation_record(
    *, rulebook_id: str, rulebook_version: str, rule_id: str, subject: str,
    inputs: dict[str, Any], outcome: dict[str, Any],
) -> RuleEvaluation:
    return RuleEvaluation.objects.create(
        rulebook_id=rulebook_id, rulebook_version=rulebook_version, rule_id=rule_id,
        subject=subject, inputs=inputs, outcome=outcome,
    )
