"""Every code a page shows, as a person reads it in their language.

Statuses, purposes, kinds and the like are stored as stable codes ("subject_request",
"investor_wallet", "repayment"); pages show them through the ``label`` filter, which finds the
code's translated label here. The labels come from each app's ``TextChoices`` (one source of
truth beside the model) and, for the ledger's vocabulary that other apps declare as plain
enums, from the table below. A code without a label is shown as it is (and the Chinese crawl
of every page, tests/browser, fails on it)."""

import enum
import inspect
from functools import cache

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
