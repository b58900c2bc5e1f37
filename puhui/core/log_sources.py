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


def leaf_bytes(source: str, fields: dict[str, Any]) -> bytes:
    """The canonical form of a row: one JSON object, keys sorted, no spaces."""
    return json.dumps({"source": source, **fields}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str).encode()


def digest(value: Any) -> str:
    """SHA-256 of a value's canonical JSON: what a leaf holds instead of personal data."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False, default=str).encode()).hexdigest()
