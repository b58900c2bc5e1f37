"""The ledger accounts lending books on — wallets at the custodian, the platform's own —
and the deterministic transfer ids that make a retried step a ledger ``exists``."""

import uuid

from puhui.ledger.models import Account
from puhui.ledger.services import (
    account_for,
)

LEDGER_NAMESPACE = uuid.UUID("5a0f2c1e-7b3d-4e8a-9c6f-1d2e3f4a5b6c")


def ledger_transfer_id(*parts: object) -> uuid.UUID:
    """Deterministic transfer ids from business keys: a retried step is a ledger ``exists``."""
    return uuid.uuid5(LEDGER_NAMESPACE, ":".join(str(part) for part in parts))



def wallet_for(*, owner: str, kind: str, currency: str = "CNY") -> Account:
    """The owner's wallet at the custodian (mirrored on the ledger); opened on first use."""
    return account_for(kind=kind, owner=owner, currency=currency,
                       debits_must_not_exceed_credits=True)


def platform_account(kind: str, currency: str = "CNY") -> Account:
    return account_for(kind=kind, owner="platform", currency=currency)
