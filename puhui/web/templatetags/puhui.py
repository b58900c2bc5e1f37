"""Template filters: amounts shown as people read them, exactly; rates as percentages."""

from decimal import Decimal

from django import template

from puhui.core.money import money_from_minor
from puhui.web.labels import label_of

register = template.Library()


@register.filter
def money(amount_minor: int, currency: str = "CNY") -> str:
    """1234567 CNY → '12,345.67 CNY'."""
    return f"{money_from_minor(amount_minor, currency):,} {currency}"


@register.filter
def amount(text: str, currency: str = "") -> str:
    """An amount as another service writes it (the registry's "100000.00") as a person reads
    it: '100,000.00', or '100,000.00 CNY' given the currency."""
    shown = f"{Decimal(text):,}"
    return f"{shown} {currency}" if currency else shown


@register.filter
def percent(rate: Decimal) -> str:
    """Decimal("0.0435") → '4.35 %'."""
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.01'))} %"


@register.filter
def pairs(left: list[object], right: list[object]) -> list[tuple[object, object]]:
    """Two lists side by side: ``{% for a, b in xs|pairs:ys %}``."""
    return list(zip(left, right, strict=False))


@register.filter
def label(code: object) -> object:
    """A stored code ("subject_request") as its label in the reader's language."""
    return label_of(code)
