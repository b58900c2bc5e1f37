"""The audit trail as a source of the tamper-evident log: each event a leaf, its details only
as a digest (they hold masked values, and a digest keeps even those out of the log)."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from puhui.audit.models import AuditEvent
from puhui.core.log_sources import LoggedRow, LogSource, digest, leaf_bytes, rows_since_of

SOURCE = "audit.event"
FIELDS = ("id", "actor_id", "action", "subject", "details", "created_at")


def _leaf(row: dict[str, Any]) -> bytes:
    return leaf_bytes(SOURCE, {"id": row["id"], "actor": row["actor_id"],
                               "action": row["action"], "subject": row["subject"],
                               "details": digest(row["details"]),
                               "created_at": row["created_at"].isoformat()})


def _rows_since(since: datetime | None) -> Iterable[LoggedRow]:
    return rows_since_of(AuditEvent.objects.all(), FIELDS, _leaf, since)


def _leaves_of(keys: Sequence[str]) -> dict[str, bytes]:
    rows = AuditEvent.objects.filter(id__in=[int(key) for key in keys]).values(*FIELDS)
    return {str(row["id"]): _leaf(row) for row in rows}


AUDIT_EVENTS = LogSource(SOURCE, _rows_since, _leaves_of)
