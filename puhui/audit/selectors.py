"""Read the audit trail of a subject, oldest first."""

from django.db.models import QuerySet

from puhui.audit.models import AuditEvent


def audit_events_of(*, subject: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(subject=subject).select_related("actor").order_by("id")
