"""The ledger accounts lending books on — wallets at the custodian, the platform's own —
(the deterministic transfer ids are lending.ports.ledger_transfer_id)."""


from puhui.ledger.models import Account
from puhui.ledger.services import (
    account_for,
)


def wallet_for(*, owner: str, kind: str, currency: str = "CNY") -> Account:
    """The owner's wallet at the custodian (mirrored on the ledger); opened on first use."""
    return account_for(kind=kind, owner=owner, currency=currency,
                       debits_must_not_exceed_credits=True)


def platform_account(kind: str, currency: str = "CNY") -> Account:
    return account_for(kind=kind, owner="platform", currency=currency)
