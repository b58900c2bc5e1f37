"""Append an audit event; there is no other write."""

from collections.abc import Iterable
from typing import Any

from puhui.audit.models import AuditEvent


def audit_record(*, actor: Any, action: str, subject: str, **details: Any) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, action=action, subject=subject,
        details=details,
    )


def audit_records(events: Iterable[tuple[Any, str, str, dict[str, Any]]]) -> None:
    """Many events in one statement (a batch of pledges): ``(actor, action, subject, details)``
    each."""
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=actor if getattr(actor, "pk", None) else None, action=action,
                   subject=subject, details=details)
        for actor, action, subject, details in events], batch_size=1000)
