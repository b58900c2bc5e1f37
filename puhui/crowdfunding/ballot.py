"""The ballot that allocates an oversubscribed capped raise, so that nobody wins by being
first: when the campaign goes online the platform draws a secret seed and publishes its
SHA-256 (the commitment); after the deadline it publishes the seed. Anyone can then check the
seed against the commitment and recompute who got what from the published pledges:

- each pledge's ticket is SHA-256 of ``"<seed>:<pledge id>"`` (hex);
- pledges are taken in the order of their tickets, lowest first, each in full while the
  maximum allows; the first that does not fit gets what is left, in whole units (a share's
  price, or one fen), and the rest get nothing.

Pure functions of their arguments; this module imports no app."""

import hashlib
import secrets
from collections.abc import Iterable


def seed_new() -> str:
    return secrets.token_hex(32)


def commitment_of(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def ticket_of(seed: str, pledge_id: str) -> str:
    return hashlib.sha256(f"{seed}:{pledge_id}".encode()).hexdigest()


def allocation(seed: str, pledges: Iterable[tuple[str, int]], *, maximum: int,
               unit: int = 1) -> dict[str, int]:
    """What each pledge (id, amount in minor units) is allocated under ``maximum``."""
    left = maximum
    allocated: dict[str, int] = {}
    for pledge_id, amount in sorted(pledges, key=lambda p: ticket_of(seed, p[0])):
        given = min(amount, left // unit * unit)
        allocated[pledge_id] = given
        left -= given
    return allocated
