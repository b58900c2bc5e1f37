"""What goes into a platform's tamper-evident log (``puhui.audit.log``): each app that keeps
rows worth proving later (the ledger's transfers, the audit trail, the reports a platform
files) registers a ``LogSource`` when Django starts, as it registers its daily steps. The log
asks each source for its rows since a moment and, when it replays itself, for the leaf of any
row by its key — recomputed from the row as it is now, so an edited row no longer matches.

A leaf is canonical bytes (``leaf_bytes``): JSON with sorted keys, and personal data only as
hashes, so erasing a person's data never breaks the log.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class LoggedRow:
    key: str  # unique within its source, e.g. a transfer's id
    created_at: datetime
    leaf: bytes


@dataclass(frozen=True)
class LogSource:
    name: str  # "<app>.<what>", unique; also the first field of every leaf
    rows_since: Callable[[datetime | None], Iterable[LoggedRow]]  # oldest first
    leaves_of: Callable[[Sequence[str]], dict[str, bytes]]  # rows that are gone are missing


_sources: dict[str, LogSource] = {}


def log_sources_register(*sources: LogSource) -> None:
    for source in sources:
        known = _sources.get(source.name)
        if known is not None and known != source:
            raise ValueError(f"two log sources are named {source.name!r}")
        _sources[source.name] = source


def log_sources() -> dict[str, LogSource]:
    return dict(_sources)


def rows_since_of(rows: Any, fields: Sequence[str], leaf: Callable[[dict[str, Any]], bytes],
                  since: datetime | None) -> Iterable[LoggedRow]:
    """A source's rows (a queryset with ``id`` and ``created_at``) since a moment, oldest
    first, each with its leaf."""
    rows = rows.order_by("created_at", "id")
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    for row in rows.values(*fields).iterator(chunk_size=5000):
        yield LoggedRow(str(row["id"]), row["created_at"], leaf(row))


def _canonical(value: Any) -> bytes:
    """One JSON text per value: keys sorted, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


def leaf_bytes(source: str, fields: dict[str, Any]) -> bytes:
    """The canonical form of a row, its source first among its fields."""
    return _canonical({"source": source, **fields})


def digest(value: Any) -> str:
    """SHA-256 of a value's canonical JSON: what a leaf holds instead of personal data."""
    return hashlib.sha256(_canonical(value)).hexdigest()
