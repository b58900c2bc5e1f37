"""Append an audit event; there is no other write."""

from typing import Any

from puhui.audit.models import AuditEvent


def audit_record(*, actor: Any, action: str, subject: str, **details: Any) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, action=action, subject=subject,
        details=details,
    )
