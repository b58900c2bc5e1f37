"""Loan products: data checked against the rulebook when they are made."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from puhui.core.errors import PuhuiError
from puhui.core.money import money_from_minor, money_quantize, money_shown, money_to_minor
from puhui.core.workdays import Calendar
from puhui.lending.errors import LendingError
from puhui.lending.models import (
    LoanProduct,
    RepaymentMethod,
)
from puhui.lending.schedules import Schedule, schedule_all_in_rate, schedule_build
from puhui.rulebook.selectors import rulebook_in_force


@transaction.atomic
def product_create(**fields: Any) -> LoanProduct:
    """A loan product, refused when it breaks the rulebook (rate ceiling, per-platform cap)."""
    book = rulebook_in_force()
    problems = []
    if book.pricing and Decimal(fields["rate_annual"]) > book.pricing.annual_rate_ceiling:
        problems.append(f"rate above the ceiling of {book.pricing.annual_rate_ceiling} "
                        "(rule pricing.annual_rate_ceiling)")
    if book.borrowing_caps:
        cap = money_to_minor(book.borrowing_caps.legal_person.per_platform, "CNY")
        if fields["amount_max_fen"] > cap:
            problems.append("maximum amount above the per-platform cap of "
                            f"{money_shown(cap, 'CNY')} "
                            "(rule borrowing_caps.legal_person.per_platform)")
    if not fields["terms_months"] or any(t < 1 for t in fields["terms_months"]):
        problems.append("terms must be positive months")
    if not fields["methods"] or set(fields["methods"]) - set(RepaymentMethod.values):
        problems.append(f"methods must be among {', '.join(RepaymentMethod.values)}")
    if problems:
        raise PuhuiError(LendingError.PRODUCT_INVALID, problem="; ".join(problems))
    product = LoanProduct(**fields)
    product.full_clean()
    product.save()
    return product


def product_schedule(*, product: LoanProduct, principal_fen: int, rate_annual: Decimal,
                     term_months: int, method: str, grace_months: int,
                     start: date) -> tuple[Schedule, Decimal]:
    """A loan's schedule under the product's fees (upfront, per period) and its APR (all in):
    what a funded listing's loan is made with, and what the apply form estimates."""
    currency = product.currency
    upfront_fee = int((Decimal(principal_fen) * product.upfront_fee_rate).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))
    fee_per_period = money_quantize(
        Decimal(principal_fen) * product.fee_per_period_rate / 100, currency)
    schedule = schedule_build(
        amount=money_from_minor(principal_fen, currency), rate_annual=rate_annual,
        months=term_months, method=method, start=start, currency=currency,
        fee_per_period=fee_per_period, grace_months=grace_months,
        upfront_fee=money_from_minor(upfront_fee, currency),
        calendar=Calendar(product.calendar))
    apr, _effective = schedule_all_in_rate(schedule)
    return schedule, apr
