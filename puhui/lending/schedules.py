"""Repayment schedules, exact to the fen.

Conventions (as Chinese lenders quote monthly installments):

- interest of a period = outstanding principal × annual rate / 12, rounded half-up to the fen;
- principal adds up to the amount exactly: the last installment absorbs every rounding;
- due dates fall on the start's day of each month; when the start is a month's last day, or the
  day does not exist in a month, the month's last day (end-of-month rule); a due date on a
  non-working day moves to the next working day (Chinese calendar by default);
- an optional grace period of interest-only months comes first;
- fees: an upfront fee (kept from the disbursement) and a fee per period.

Methods: ``equal-installment`` (等额本息), ``equal-principal`` (等额本金), ``interest-only``
(先息后本), ``bullet`` (一次性还本付息). ``schedule_all_in_rate`` is the borrower's all-in annual
cost: the IRR of the real cash flows, fees included.
"""

import calendar as month_calendar
import warnings
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, getcontext
from enum import StrEnum

from puhui.core.errors import PuhuiError
from puhui.core.money import money_from_minor, money_to_minor
from puhui.core.workdays import Calendar, CalendarFallbackWarning, next_working_day
from puhui.lending.errors import LendingError

getcontext().prec = 40


class Method(StrEnum):
    EQUAL_INSTALLMENT = "equal-installment"
    EQUAL_PRINCIPAL = "equal-principal"
    INTEREST_ONLY = "interest-only"
    BULLET = "bullet"




@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    principal: int  # fen
    interest: int
    fee: int
    balance: int  # outstanding principal after this installment

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.fee


@dataclass(frozen=True)
class Schedule:
    amount: int  # fen
    currency: str
    rate_annual: Decimal
    method: Method
    start: date
    upfront_fee: int
    installments: list[Installment]
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> list[dict[str, str | int]]:
        money = lambda fen: str(money_from_minor(fen, self.currency))  # noqa: E731
        return [
            {"number": i.number, "due_date": i.due_date.isoformat(),
             "principal": money(i.principal), "interest": money(i.interest),
             "fee": money(i.fee), "total": money(i.total), "balance": money(i.balance)}
            for i in self.installments
        ]


def _round_fen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def due_date(start: date, months_after: int) -> date:
    """Same day of the month, ``months_after`` months on, with the end-of-month rule."""
    month_index = start.month - 1 + months_after
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = month_calendar.monthrange(year, month)[1]
    start_is_month_end = start.day == month_calendar.monthrange(start.year, start.month)[1]
    return date(year, month, last_day if start_is_month_end else min(start.day, last_day))


def schedule_build(
    *,
    amount: Decimal,
    rate_annual: Decimal,
    months: int,
    method: Method | str,
    start: date,
    currency: str = "CNY",
    grace_months: int = 0,
    fee_per_period: Decimal = Decimal(0),
    upfront_fee: Decimal = Decimal(0),
    calendar: Calendar | str = Calendar.CHINA,
) -> Schedule:
    method = Method(method)
    calendar = Calendar(calendar)
    principal_total = money_to_minor(amount, currency)
    fee = money_to_minor(fee_per_period, currency)
    upfront = money_to_minor(upfront_fee, currency)
    if principal_total <= 0:
        raise PuhuiError(LendingError.INVALID_SCHEDULE, problem="the amount must be positive")
    if not 1 <= months <= 600:
        raise PuhuiError(LendingError.INVALID_SCHEDULE, problem="the term must be 1 to 600 months")
    if not Decimal(0) <= rate_annual < Decimal(1):
        raise PuhuiError(LendingError.INVALID_SCHEDULE,
                         problem="the annual rate must be from 0 to below 1")
    if not 0 <= grace_months < months:
        raise PuhuiError(LendingError.INVALID_SCHEDULE,
                         problem="the grace period must be shorter than the term")
    if method == Method.BULLET and (grace_months or fee):
        raise PuhuiError(LendingError.INVALID_SCHEDULE,
                         problem="a bullet loan has one payment: no grace period or period fee")
    if fee < 0 or upfront < 0 or upfront >= principal_total:
        raise PuhuiError(LendingError.INVALID_SCHEDULE,
                         problem="fees must be positive and below the amount")

    plan = _principal_and_interest(principal_total, rate_annual / 12, months, method,
                                   grace_months)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalendarFallbackWarning)
        installments = []
        outstanding = principal_total
        for number, (principal, interest) in enumerate(plan, start=1):
            months_after = months if method == Method.BULLET else number
            outstanding -= principal
            installments.append(Installment(
                number=number,
                due_date=next_working_day(due_date(start, months_after), calendar),
                principal=principal, interest=interest, fee=fee, balance=outstanding,
            ))
    notes = sorted({str(w.message) for w in caught
                    if issubclass(w.category, CalendarFallbackWarning)})
    return Schedule(principal_total, currency, rate_annual, method, start, upfront,
                    installments, notes)

def _principal_and_interest(principal_total: int, monthly: Decimal, months: int, method: Method,
                            grace_months: int) -> list[tuple[int, int]]:
    """(principal, interest) per installment, in fen: interest only in the grace months, then
    the method's amortisation; the last installment takes whatever principal is left."""
    if method == Method.BULLET:
        return [(principal_total, _round_fen(principal_total * monthly * months))]
    outstanding = principal_total
    plan = [(0, _round_fen(outstanding * monthly)) for _ in range(grace_months)]
    amortizing = months - grace_months
    payment = 0
    if method == Method.EQUAL_INSTALLMENT:
        payment = _annuity_payment(principal_total, monthly, amortizing)
    for period in range(1, amortizing + 1):
        interest = _round_fen(outstanding * monthly)
        if period == amortizing:
            principal = outstanding
        elif method == Method.EQUAL_INSTALLMENT:
            principal = payment - interest
        elif method == Method.EQUAL_PRINCIPAL:
            principal = _round_fen(Decimal(principal_total) / amortizing)
        else:  # interest-only: the principal comes at maturity
            principal = 0
        # Rounding on tiny amounts must never repay more than is owed, nor less than 0.
        principal = max(0, min(principal, outstanding))
        plan.append((principal, interest))
        outstanding -= principal
    return plan



def _annuity_payment(principal: int, monthly: Decimal, periods: int) -> int:
    """P·r(1+r)^n / ((1+r)^n − 1), rounded half-up to the fen; P/n when the rate is 0."""
    if monthly == 0:
        return _round_fen(Decimal(principal) / periods)
    growth = (1 + monthly) ** periods
    return _round_fen(principal * monthly * growth / (growth - 1))


def xirr(flows: list[tuple[date, Decimal]]) -> Decimal | None:
    """The annual rate r with Σ amount / (1 + r)^(days/365) = 0 over dated cash flows (money
    out negative, in positive); ``None`` when the flows do not change sign."""
    if not flows or all(a >= 0 for _d, a in flows) or all(a <= 0 for _d, a in flows):
        return None
    start = min(day for day, _amount in flows)
    if all(day == start for day, _amount in flows):
        return None  # no time has passed: there is no rate to speak of

    def value(rate: Decimal) -> Decimal:
        return sum((amount / (1 + rate) ** (Decimal((day - start).days) / 365)
                    for day, amount in flows), Decimal(0))

    low, high = Decimal("-0.99"), Decimal(10)
    rising = value(high) > value(low)
    for _ in range(200):
        middle = (low + high) / 2
        if (value(middle) < 0) == rising:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def schedule_all_in_rate(schedule: Schedule) -> tuple[Decimal, Decimal]:
    """(APR, effective annual rate) of the borrower's real cash flows, fees included.

    The borrower receives the amount less the upfront fee at the start and pays each total on
    its due date. The IRR is solved on actual days (XIRR, 365-day years); APR = the monthly
    equivalent × 12, the "comprehensive annual rate" Chinese lenders disclose.
    """
    flows = [(schedule.start, Decimal(schedule.amount - schedule.upfront_fee))]
    flows += [(i.due_date, Decimal(-i.total)) for i in schedule.installments]
    effective = xirr(flows) or Decimal(0)
    monthly = (1 + effective) ** (Decimal(1) / 12) - 1
    quantum = Decimal("0.000001")
    return ((monthly * 12).quantize(quantum, ROUND_HALF_UP),
            effective.quantize(quantum, ROUND_HALF_UP))
