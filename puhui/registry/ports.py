"""The shared registry's contract with its members: the report, one definition used by the
registry's API (its response schema), by a platform reading the answer, and by the credit
engine that decides on it.

Amounts are ``Decimal`` yuan as the registry writes them ("100000.00"); dates are dates. A
section the rulebook leaves out for the inquiry's purpose (data minimisation) is ``None`` and
absent from the JSON. This module imports nothing of puhui's apps, so any app may read it.
"""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

SECTIONS_THE_CREDIT_POLICY_READS = ("outstanding_total", "reserved_total", "financings",
                                    "negative_records")


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReportSubject(_Record):
    kind: str
    identity: str  # masked


class Financing(_Record):
    id: int
    lender: str  # "you" for the asking member; other members are "member A", "member B", …
    account_number: str  # the asking member's own lines only
    product_type: str
    opened_on: date
    amount: Decimal
    balance: Decimal
    past_due: Decimal
    status: str
    payment_history: str
    first_delinquency_on: date | None = None
    disputed: bool
    as_of: date


class NegativeRecordShown(_Record):
    id: int
    kind: str
    detail: str
    reported_on: date
    expires_on: date
    disputed: bool


class RegistryReport(_Record):
    subject: ReportSubject
    as_of: date
    outstanding_total: Decimal | None = None
    reserved_total: Decimal | None = None
    open_financings: int | None = None
    financings: list[Financing] | None = None
    inquiries: dict[str, int] | None = None  # "last_3_months": n, …
    negative_records: list[NegativeRecordShown] | None = None
    disputes_open: int | None = None

    def without_reservation(self, amount: Decimal) -> "RegistryReport":
        """The report as it stood before the asker's own reservation of ``amount`` was held
        (asked again at approval, the reservation must not count against itself)."""
        if self.reserved_total is None:
            return self
        return self.model_copy(update={"reserved_total": max(self.reserved_total - amount,
                                                             Decimal(0))})

    def sections_missing(self, names: tuple[str, ...]) -> list[str]:
        return [name for name in names if getattr(self, name) is None]

    def as_json(self) -> dict[str, object]:
        """As stored beside an application and shown to its operator."""
        return self.model_dump(mode="json", exclude_none=True)


class InquiryShown(_Record):
    member: str
    purpose: str
    allowed: bool
    at: str
    seen_by_lenders: bool = False  # a hard inquiry, counted in what members see


class DisputeShown(_Record):
    id: int
    opened_on: date
    statement: str
    answer_due_on: date
    answer: str
    answered_on: date | None = None
    upheld: bool | None = None
    escalated_on: date | None = None


class SubjectReport(RegistryReport):
    """What the subject sees of themselves: the report, who looked, and their disputes."""

    who_looked: list[InquiryShown]
    disputes: list[DisputeShown]
