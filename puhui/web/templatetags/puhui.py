"""Template filters: amounts shown as people read them, exactly; rates as percentages; dates and
times in the reader's language and time zone, marked up as ``<time>`` with the ISO value."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from puhui.core.labels import label_of, rule_label
from puhui.core.money import money_shown, percent_shown
from puhui.rulebook.selectors import rulebook_in_force

register = template.Library()


@register.filter
def day(value: date | datetime | None) -> SafeString | str:
    """A date of business as the reader's language writes it: ``<time datetime="2026-12-03">``
    3 Dec 2026 / 2026/12/03. A datetime is first taken to the reader's time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_html('<time datetime="{}">{}</time>', value.isoformat(),
                       date_format(value, "SHORT_DATE_FORMAT"))


@register.filter
def moment(value: datetime | None) -> SafeString | str:
    """A moment in the reader's time zone and language: 3 Dec 2026, 14:05 / 2026/12/03 14:05."""
    if value is None or value == "":
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html('<time datetime="{}">{}</time>', local.isoformat(timespec="seconds"),
                       date_format(local, "SHORT_DATETIME_FORMAT"))


@register.simple_tag
def now_shown() -> SafeString | str:
    return moment(timezone.now())


@register.filter
def money(amount_minor: int, currency: str = "CNY") -> str:
    """1234567 CNY → '12,345.67 CNY'."""
    return money_shown(amount_minor, currency)


@register.filter
def amount(text: str, currency: str = "") -> str:
    """An amount as another service writes it (the registry's "100000.00") as a person reads
    it: '100,000.00', or '100,000.00 CNY' given the currency."""
    shown = f"{Decimal(text):,}"
    return f"{shown} {currency}" if currency else shown


@register.filter
def percent(rate: Decimal) -> str:
    """Decimal("0.0435") → '4.35 %'."""
    return percent_shown(rate)


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
