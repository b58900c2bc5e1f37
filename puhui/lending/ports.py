"""Lending's contract with the apps it works with, as types: the facts of an application that it
asks others to judge (the credit engine, the shared registry), the answers it takes back, the
facts of a loan it tells them about, and the plug-in signatures (``Protocol``s) the settings
name (``PUHUI_CREDIT_EVALUATOR``, ``PUHUI_REGISTRY_REPORT``, ``PUHUI_EXPOSURE_RESERVE``,
``PUHUI_EXPOSURE_EVENTS``).

Plain frozen dataclasses: no model crosses the boundary. This module imports only lower layers
and other apps' ports, so any app may read it.
"""

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from puhui.registry.ports import RegistryReport
from puhui.rulebook.schema import Rulebook


class LendingAccount(StrEnum):
    """The ledger accounts lending opens (wallets are custody's: ``custody.ports``)."""

    LISTING_ESCROW = "listing_escrow"  # what bids put into a listing, at the custodian
    LISTING_CAPACITY = "listing_capacity"  # holds exactly the listing's amount: no overfunding
    LISTING_CAPACITY_USED = "listing_capacity_used"  # the sink the bids' capacity moves to
    LISTING_CAPACITY_SOURCE = "listing_capacity_source"  # where the capacity came from
    PLATFORM_FEE_INCOME = "platform_fee_income"  # the platform's fees, at the custodian


LEDGER_NAMESPACE = uuid.UUID("5a0f2c1e-7b3d-4e8a-9c6f-1d2e3f4a5b6c")


def ledger_transfer_id(*parts: object) -> uuid.UUID:
    """Deterministic transfer ids from business keys: a retried step is a ledger ``exists``,
    and a page can find the movement a step booked."""
    return uuid.uuid5(LEDGER_NAMESPACE, ":".join(str(part) for part in parts))


class LendingCode(StrEnum):
    """The codes of every movement of money lending books."""

    LISTING_CAPACITY = "listing_capacity"
    BID = "bid"  # wallet → escrow, pending until the listing closes
    BID_CAPACITY = "bid_capacity"  # capacity → its sink, linked to the bid
    UPFRONT_FEE = "upfront_fee"
    ENTRUSTED_PAYMENT = "entrusted_payment"  # escrow → a planned payee, paid by the custodian
    DISBURSEMENT = "disbursement"
    REPAYMENT = "repayment"
    REPAYMENT_FEE = "repayment_fee"
    PREPAYMENT = "prepayment"
    PREPAYMENT_FEE = "prepayment_fee"
    RECOVERY = "recovery"


@dataclass(frozen=True)
class Check:
    """One pre-approval check, recorded under the rule that decided it. ``detail`` is the
    English record; ``template`` (marked for translation) and ``facts`` let a page say it in
    the reader's language."""

    rule_id: str
    passed: bool
    detail: str
    template: str = ""
    facts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def said(cls, rule_id: str, passed: bool, template: str, **facts: Any) -> "Check":
        """A check whose detail is ``template`` (gettext_noop) filled with ``facts``."""
        return cls(rule_id, passed, template.format(**facts), template, facts)


@dataclass(frozen=True)
class ApplicationFacts:
    """What another app needs to judge a loan application."""

    subject: str  # "loan-application:42"
    enterprise_id: int
    enterprise_uscc: str
    amount_fen: int
    currency: str
    term_months: int
    product_amount_max_fen: int
    outstanding_here_fen: int  # owed or being raised on this platform, this one apart


@dataclass(frozen=True)
class CreditReason:
    """A factor of the score, in words a borrower and an operator read."""

    feature: str
    label_en: str
    label_zh: str
    value: str
    bin: str
    points: int | None
    points_lost: int | None
    log_odds: float | None  # the challenger's push towards a bad outcome (a model statistic)


@dataclass(frozen=True)
class CreditSummary:
    """The credit decision lending shows on the application and prices the listing with."""

    model_version: str
    model_kind: str
    score: int
    grade: str
    pd: Decimal
    rate_annual: Decimal
    limit_fen: int
    reasons: tuple[CreditReason, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """As stored on the application (amounts and rates as exact strings)."""
        data = asdict(self)
        return data | {"pd": str(self.pd), "rate_annual": str(self.rate_annual),
                       "reasons": [asdict(reason) for reason in self.reasons]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CreditSummary | None":
        """The stored summary; None when no model priced the application."""
        if not data.get("grade"):
            return None
        return cls(model_version=data["model_version"], model_kind=data["model_kind"],
                   score=int(data["score"]), grade=data["grade"], pd=Decimal(data["pd"]),
                   rate_annual=Decimal(data["rate_annual"]), limit_fen=int(data["limit_fen"]),
                   reasons=tuple(CreditReason(**reason) for reason in data.get("reasons", [])))


@dataclass(frozen=True)
class CreditOutcome:
    checks: list[Check]
    summary: CreditSummary | None = None  # None: knocked out before any score


@dataclass(frozen=True)
class RegistryAnswer:
    checks: list[Check]
    report: RegistryReport | None = None  # None: no registry, or it could not be asked
    unreachable: bool = False  # the registry could not be asked: the application waits


class CreditEvaluator(Protocol):
    """``PUHUI_CREDIT_EVALUATOR``: knock-outs and the credit decision for an application, given
    the shared registry's report when there is one (``puhui.credit.services.credit_evaluate``)."""

    def __call__(self, *, application: ApplicationFacts, rulebook: Rulebook,
                 registry_report: RegistryReport | None) -> CreditOutcome: ...


class RegistryStep(Protocol):
    """``PUHUI_REGISTRY_REPORT`` (the subject's consent and the report across platforms, before
    the credit decision) and ``PUHUI_EXPOSURE_RESERVE`` (headroom under the cross-platform cap
    reserved for the amount, once every other check passed): ``report_for_application`` and
    ``headroom_reserve`` in ``puhui.registry.client`` when a shared registry is configured."""

    def __call__(self, *, application: ApplicationFacts,
                 rulebook: Rulebook) -> RegistryAnswer: ...


@dataclass(frozen=True)
class LoanFacts:
    """A loan as the platform's books show it on ``as_of``: what a trade line reports."""

    loan_id: int
    enterprise_uscc: str
    value_date: date
    principal_fen: int
    outstanding_principal_fen: int
    scheduled_payment_fen: int  # the next installment not yet due
    past_due_fen: int  # everything due and unpaid, penalty included
    status: str  # lending.models.LoanStatus
    days_past_due: int
    first_delinquency_on: date | None
    as_of: date
    product_type: str = "loan"  # "debt_note": a debt campaign's notes booked as a loan


RAISED_PURPOSE = "crowdfunding_notes"  # the purpose of an application booked for a debt campaign


class ExposureChange(StrEnum):
    RELEASED = "released"  # the reservation is no longer needed (refused, listing failed)
    CONVERTED = "converted"  # the loan was made: the reservation becomes its trade line
    CHANGED = "changed"  # the loan changed (repaid, overdue, recovered, written off, …)


@dataclass(frozen=True)
class ExposureEvent:
    change: ExposureChange
    application_subject: str
    loan: LoanFacts | None = None  # converted and changed: the loan as of the change


class ExposureEventReceiver(Protocol):
    """``PUHUI_EXPOSURE_EVENTS``: told in the transaction of the change
    (``puhui.registry.client.registry_event`` queues it in the registry's outbox)."""

    def __call__(self, event: ExposureEvent) -> None: ...
