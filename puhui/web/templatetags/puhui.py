"""Template filters: amounts shown as people read them, exactly; rates as percentages."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language, gettext

from puhui.core.labels import label_of, rule_label
from puhui.core.money import money_from_minor
from puhui.rulebook.selectors import rulebook_in_force

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


@register.filter(name="rule_label")
def rule_label_filter(rule_id: str) -> object:
    """A rule id ("credit_policy.knock_out_past_due") as its label in the reader's language."""
    return rule_label(rule_id)


@register.filter
def check_detail(check: dict[str, Any]) -> str:
    """A recorded check's detail in the reader's language: its sentence translated and its
    facts filled in (a fact that is a code or a marked phrase translated too); the English
    record when the check has no sentence of its own (recorded before they had)."""
    template = check.get("template")
    if not template:
        return str(check.get("detail", ""))
    facts = {key: _fact(value) for key, value in (check.get("facts") or {}).items()}
    try:
        return gettext(template).format(**facts)
    except (KeyError, IndexError):
        return str(check.get("detail", ""))


def _fact(value: object) -> object:
    if not isinstance(value, str):
        return value
    shown = label_of(value)
    return shown if shown != value else gettext(value)


@register.filter
def suitability_name(level_id: str) -> str:
    """A suitability level's name in the reader's language, from the rulebook in force."""
    suitability = rulebook_in_force().suitability
    level = next((lv for lv in suitability.levels if lv.id == level_id), None) if suitability \
        else None
    if level is None:
        return level_id
    return level.name_zh if (get_language() or "").startswith("zh") else level.name_en
