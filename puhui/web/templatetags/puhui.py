"""Template filters: money shown from minor units, exactly."""

from decimal import Decimal

from django import template

from puhui.core.money import money_from_minor

register = template.Library()


@register.filter
def money(amount_minor: int, currency: str = "CNY") -> str:
    """1234567 CNY → '12,345.67 CNY'."""
    return f"{money_from_minor(amount_minor, currency):,} {currency}"


@register.filter
def percent(rate: Decimal) -> str:
    """Decimal("0.0435") → '4.35 %'."""
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.01'))} %"


@register.filter
def pairs(left: list[object], right: list[object]) -> list[tuple[object, object]]:
    """Two lists side by side: ``{% for a, b in xs|pairs:ys %}``."""
    return list(zip(left, right, strict=False))
