"""Signed requests between puhui's roles (platform ↔ custodian, member ↔ registry): an
HMAC-SHA256 over the parts that must not change in transit, joined by newlines.

A receiver recomputes the signature with the sender's secret and compares in constant time;
the parts always include the method, the path with its query, a timestamp (refused when it is
not a finite number or is more than ``MAX_AGE_SECONDS`` from now: ``timestamp_stale``) and the
body, and for the registry the member and a one-time nonce
(refused when seen before), so a tampered or replayed request is refused.
"""

import hashlib
import hmac
import math
import time

MAX_AGE_SECONDS = 300


def signature(secret: str, *parts: str | bytes) -> str:
    message = b"\n".join(part if isinstance(part, bytes) else part.encode() for part in parts)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_matches(given: str, secret: str, *parts: str | bytes) -> bool:
    return hmac.compare_digest(given, signature(secret, *parts))


def timestamp_stale(timestamp: str, *, now: float | None = None) -> bool:
    """Whether a request's timestamp (seconds since the epoch) is more than ``MAX_AGE_SECONDS``
    away from now, either way. ``ValueError`` when it is not a finite number."""
    try:
        seconds = float(timestamp)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):
        raise ValueError(f"the timestamp {timestamp!r} is not a time")
    return abs((time.time() if now is None else now) - seconds) > MAX_AGE_SECONDS
