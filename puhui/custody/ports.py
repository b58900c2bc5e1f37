"""Custody's vocabulary on the ledger, declared once: the accounts that mirror money held at
the custodian bank, and the codes of the movements custody books. Other apps open wallets and
read these through here. This module imports no app."""

from enum import StrEnum


class CustodyAccount(StrEnum):
    INVESTOR_WALLET = "investor_wallet"  # an investor's sub-account at the custodian
    BORROWER_WALLET = "borrower_wallet"  # an enterprise's sub-account at the custodian
    BANK_MIRROR = "custodian_bank"  # the ledger's view of all money at the custodian (an asset)


class CustodyCode(StrEnum):
    DEPOSIT = "deposit"  # arrived at the custodian, then mirrored on the ledger
    WITHDRAWAL = "withdrawal"  # held on the ledger, paid out by the custodian, then posted
