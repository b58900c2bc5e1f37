"""The ledger's transfers as a source of the platform's tamper-evident log (``audit.log``):
every field that says who paid whom how much, when and why, in canonical form."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from puhui.core.log_sources import LoggedRow, LogSource, leaf_bytes, rows_since_of
from puhui.ledger.models import Transfer

SOURCE = "ledger.transfer"
FIELDS = ("id", "debit_account_id", "credit_account_id", "amount", "currency", "code", "kind",
          "linked", "pending_id", "timeout_seconds", "expires_at", "reference", "created_at")


def _leaf(row: dict[str, Any]) -> bytes:
    fields = {name.removesuffix("_id") if name != "id" else name: row[name] for name in FIELDS}
    fields["id"] = str(row["id"])
    fields["pending"] = str(row["pending_id"]) if row["pending_id"] else None
    for moment in ("expires_at", "created_at"):
        fields[moment] = row[moment].isoformat() if row[moment] else None
    return leaf_bytes(SOURCE, fields)


def _rows_since(since: datetime | None) -> Iterable[LoggedRow]:
    return rows_since_of(Transfer.objects.all(), FIELDS, _leaf, since)


def _leaves_of(keys: Sequence[str]) -> dict[str, bytes]:
    rows = Transfer.objects.filter(id__in=list(keys)).values(*FIELDS)
    return {str(row["id"]): _leaf(row) for row in rows}


TRANSFERS = LogSource(SOURCE, _rows_since, _leaves_of)
