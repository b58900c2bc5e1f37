"""The ledger's contract with the apps that move money: a transfer to make, its outcome, and one
way to insist that every transfer of a batch succeeded. This module imports no model."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from puhui.ledger.errors import TransferResult

BIGINT_MAX = 2**63 - 1


@dataclass(frozen=True, slots=True)
class NewTransfer:
    """One transfer as a client asks for it (TigerBeetle's fields; zero/empty means unset).

    A post or void may leave accounts, currency, code and amount unset: they come from the
    pending transfer (a post with amount 0 posts the full pending amount).
    """

    id: uuid.UUID
    debit_account_id: int = 0
    credit_account_id: int = 0
    amount: int = 0
    currency: str = ""
    code: str = ""
    pending: bool = False
    post_pending_transfer: bool = False
    void_pending_transfer: bool = False
    pending_id: uuid.UUID | None = None
    timeout_seconds: int = 0
    linked: bool = False
    reference: str = ""
SUCCEEDED = frozenset({TransferResult.OK, TransferResult.EXISTS})


@dataclass(frozen=True, slots=True)
class TransferOutcome:
    index: int
    id: uuid.UUID
    result: TransferResult

    @property
    def succeeded(self) -> bool:
        """Made now, or made before under the same id (a retry)."""
        return self.result in SUCCEEDED


def transfer_failures(outcomes: Iterable[TransferOutcome]) -> list[TransferOutcome]:
    return [outcome for outcome in outcomes if not outcome.succeeded]


class LedgerRefused(RuntimeError):
    """The ledger refused transfers its caller had already checked: a defect to look into,
    never a person's mistake (those are refused earlier, with a ``PuhuiError``)."""

    def __init__(self, what: str, failures: Sequence[TransferOutcome]) -> None:
        self.failures = list(failures)
        shown = ", ".join(f"#{f.index} {f.result.value}" for f in self.failures[:5])
        super().__init__(f"{what} refused by the ledger: {shown}")


def transfers_require(outcomes: Iterable[TransferOutcome], *, what: str) -> None:
    """Every transfer succeeded (``ok`` or ``exists``), or ``LedgerRefused`` names those that
    did not."""
    failures = transfer_failures(outcomes)
    if failures:
        raise LedgerRefused(what, failures)
