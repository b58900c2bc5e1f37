"""Loan products: data checked against the rulebook when they are made."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from puhui.core.errors import PuhuiError
from puhui.core.money import (
    money_shown,
    money_to_minor,
)
from puhui.lending.errors import LendingError
from puhui.lending.models import (
    LoanProduct,
    RepaymentMethod,
)
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
