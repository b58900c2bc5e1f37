"""Every code a page shows, as a person reads it in their language.

Statuses, purposes, kinds and the like are stored as stable codes ("subject_request",
"investor_wallet", "repayment"); pages show them through the ``label`` filter, which finds the
code's translated label here. The labels come from each app's ``TextChoices`` (one source of
truth beside the model) and, for the ledger's vocabulary that other apps declare as plain
enums, from the table below. A code without a label is shown as it is (and the Chinese crawl
of every page, tests/browser, fails on it)."""

import enum
import inspect
from collections.abc import Iterable
from functools import cache

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

LEDGER_VOCABULARY: dict[str, Promise] = {
    # account kinds
    "investor_wallet": _("Investor wallet"),
    "borrower_wallet": _("Borrower wallet"),
    "custodian_bank": _("Custodian bank"),
    "listing_escrow": _("Listing escrow"),
    "listing_capacity": _("Listing capacity"),
    "listing_capacity_used": _("Listing capacity used"),
    "listing_capacity_source": _("Listing capacity source"),
    "platform_fee_income": _("Platform fee income"),
    "campaign_escrow": _("Campaign escrow"),
    "campaign_capacity": _("Campaign capacity"),
    "campaign_capacity_used": _("Campaign capacity used"),
    "campaign_capacity_source": _("Campaign capacity source"),
    "tier_stock": _("Reward stock"),
    "tier_stock_used": _("Reward stock taken"),
    "tier_stock_source": _("Reward stock source"),
    # movements
    "deposit": _("Deposit"),
    "withdrawal": _("Withdrawal"),
    "bid": _("Bid"),
    "bid_capacity": _("Bid capacity"),
    "upfront_fee": _("Upfront fee"),
    "entrusted_payment": _("Entrusted payment"),
    "disbursement": _("Disbursement"),
    "repayment": _("Repayment"),
    "repayment_fee": _("Repayment fee"),
    "prepayment": _("Prepayment"),
    "prepayment_fee": _("Prepayment fee"),
    "recovery": _("Recovery"),
    "pledge": _("Pledge"),
    "pledge_capacity": _("Pledge capacity"),
    "pledge_stock": _("Pledge of reward units"),
    "campaign_fee": _("Campaign fee"),
    "campaign_payout": _("Campaign payout"),
    # size classes (the rulebook's)
    "large": _("Large"),
    "medium": _("Medium"),
    "small": _("Small"),
    "micro": _("Micro"),
    # what a loan is for
    "inventory": _("Inventory and materials"),
    "equipment": _("Equipment"),
    "payroll": _("Payroll"),
    "expansion": _("Expansion"),
    "other": _("Other"),
    # transfer kinds
    "posted": _("Posted"),
    "pending": _("Pending"),
    "post_pending": _("Posted (was pending)"),
    "void_pending": _("Released"),
    "expire_pending": _("Expired"),
}


@cache
def labels() -> dict[str, Promise | str]:
    found: dict[str, Promise | str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("puhui."):
            continue
        module = getattr(config, "models_module", None)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, models.TextChoices) and value is not models.TextChoices:
                for member in value:
                    found.setdefault(str(member.value), member.label)
    return found | LEDGER_VOCABULARY


def label_of(code: object) -> object:
    """The label of a code in the active language; the code itself when it has none."""
    text = str(code.value if isinstance(code, enum.Enum) else code)
    return labels().get(text, text)


# Each rule a check is recorded under, as a person reads it; families ("…grades.A") by prefix.
RULE_LABELS: dict[str, Promise] = {
    "admittance.approved": _("The enterprise is admitted"),
    "credit_information.report": _("The shared credit registry's report"),
    "credit_information.report_sections": _("The report has what the credit policy reads"),
    "borrowing_caps.legal_person.all_platforms": _("Within the cap across all platforms"),
    "borrowing_caps.legal_person.per_platform": _("Within the cap on this platform"),
    "borrowing_caps.natural_person.all_platforms": _("Within the cap across all platforms"),
    "borrowing_caps.natural_person.per_platform": _("Within the cap on this platform"),
    "size_classes.admitted": _("A size class the platform admits"),
    "size_classes.industries": _("Size class by the industry's thresholds"),
    "credit_policy.min_enterprise_age_months": _("The enterprise is old enough"),
    "credit_policy.knock_out_flags": _("No standing flag of this kind"),
    "credit_policy.knock_out_negative_records": _("No negative record of this kind"),
    "credit_policy.knock_out_past_due": _("Nothing past due on any platform"),
    "credit_policy.model_active": _("A credit model is active"),
    "credit_policy.grades": _("The credit grade lends"),
    "credit_policy.max_amount_to_annual_revenue": _("Within the credit limit"),
    "investors.minimum_age_years": _("Old enough to lend"),
    "suitability.levels": _("Risk profile"),
}


def rule_label(rule_id: str) -> object:
    """The label of a rule id, or of the family it belongs to; the id itself otherwise."""
    parts = rule_id.split(".")
    for length in range(len(parts), 0, -1):
        label = RULE_LABELS.get(".".join(parts[:length]))
        if label is not None:
            suffix = parts[length:]
            return f"{label} ({label_of(suffix[0])})" if suffix else label
    return rule_id


def labels_joined(labels: Iterable[object]) -> StrOrPromise:
    """Labels joined by commas, each in the language the sentence is finally read in."""
    shown = list(labels)
    return format_lazy(", ".join(["{}"] * len(shown)), *shown)
