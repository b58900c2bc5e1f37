"""Template filters: money shown from minor units, exactly."""

from django import template

from puhui.core.money import money_from_minor

register = template.Library()


@register.filter
def money(amount_minor: int, currency: str = "CNY") -> str:
    """1234567 CNY → '12,345.67 CNY'."""
    return f"{money_from_minor(amount_minor, currency):,} {currency}"
