"""What lending asks of the apps plugged into it (``lending.ports``): the application's facts
for the credit engine and the shared registry, the settings that name them, and the exposure
events the registry hears of."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop as _

from puhui.core.business_day import business_date_today
from puhui.lending.models import (
    ApplicationStatus,
    Loan,
    LoanApplication,
)
from puhui.lending.ports import (
    ApplicationFacts,
    Check,
    ExposureChange,
    ExposureEvent,
    ExposureEventReceiver,
    RegistryAnswer,
)
from puhui.lending.selectors import loan_facts
from puhui.parties.models import Enterprise
from puhui.rulebook.schema import Rulebook


def registry_report_none(*, application: ApplicationFacts, rulebook: Rulebook) -> RegistryAnswer:
    """Without a shared registry the cross-platform check says so on every application."""
    return RegistryAnswer([Check.said(
        "borrowing_caps.legal_person.all_platforms", True,
        _("no shared credit registry is configured: checked on this platform only"))])


def headroom_reserve_none(*, application: ApplicationFacts,
                          rulebook: Rulebook) -> RegistryAnswer:
    """Without a shared registry there is no headroom to reserve elsewhere."""
    return RegistryAnswer([])


def outstanding_fen(enterprise: Enterprise, *, excluding: LoanApplication | None = None) -> int:
    """What the enterprise owes or is raising on this platform (applications in play), apart
    from ``excluding`` (the application being evaluated)."""
    live = [ApplicationStatus.SUBMITTED, ApplicationStatus.WAITING, ApplicationStatus.REVIEWED,
            ApplicationStatus.APPROVED, ApplicationStatus.LISTED]
    in_play = LoanApplication.objects.filter(enterprise=enterprise, status__in=live)
    if excluding is not None:
        in_play = in_play.exclude(pk=excluding.pk)
    total = (in_play
             .aggregate(total=Sum("amount_fen"))["total"])
    return int(total or 0)


def application_facts(application: LoanApplication) -> ApplicationFacts:
    """The application as other apps judge it (``lending.ports``)."""
    return ApplicationFacts(
        subject=application.subject, enterprise_id=application.enterprise_id,
        enterprise_uscc=application.enterprise.uscc, amount_fen=application.amount_fen,
        currency=application.product.currency, term_months=application.term_months,
        product_amount_max_fen=application.product.amount_max_fen,
        outstanding_here_fen=outstanding_fen(application.enterprise, excluding=application))


def exposure_event(*, application: LoanApplication, change: ExposureChange,
                   loan: Loan | None = None, on: date | None = None) -> None:
    """Tell the shared registry what became of an application's reservation (released,
    converted into the loan) or that its loan changed, as of ``on`` (the business date).
    ``PUHUI_EXPOSURE_EVENTS`` names the receiver; without a registry there is none."""
    path = getattr(settings, "PUHUI_EXPOSURE_EVENTS", "")
    if not path:
        return
    facts = None if loan is None else loan_facts(loan, as_of=on or business_date_today())
    receiver: ExposureEventReceiver = import_string(path)
    receiver(ExposureEvent(change, application.subject, facts))


def plugin(setting: str, default: Callable[..., Any] | None = None) -> Callable[..., Any]:
    path = getattr(settings, setting, "")
    if not path and default is None:
        raise RuntimeError(f"settings.{setting} must name a function")
    return import_string(path) if path else default  # type: ignore[return-value]
