"""A member's side of the registry: signed HTTP calls (``RegistryClient``) and the two steps
lending takes before an application can be approved: the subject's consent and the report, which
the credit engine reads (``PUHUI_REGISTRY_REPORT = …report_for_application``), and a reservation
of headroom under the cross-platform cap (``PUHUI_EXPOSURE_RESERVE = …headroom_reserve``); then
what the member tells the registry afterwards, through an outbox.

When the registry cannot be reached the step fails with that reason — nothing passes silently —
and the application waits until ``puhui registry send`` asks again.
"""

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _
from pydantic import ValidationError

from puhui.core.money import money_from_minor, money_shown
from puhui.core.outbox import outbox_deliver
from puhui.core.signed_http import PeerRefused, PeerUnavailable, SignedClient
from puhui.crowdfunding.ports import LimitAnswer, LimitHold
from puhui.lending.ports import (
    ApplicationFacts,
    Check,
    ExposureChange,
    ExposureEvent,
    LoanFacts,
    RegistryAnswer,
)
from puhui.registry.models import OutboxMessage
from puhui.registry.notices import notice_consent_used
from puhui.registry.ports import RegistryReport
from puhui.registry.services import consent_signature
from puhui.rulebook.schema import Rulebook
from puhui.rulebook.selectors import rulebook_section

RULE_ID = "borrowing_caps.legal_person.all_platforms"


class RegistryUnavailable(PeerUnavailable):
    """The registry did not answer (down, unreachable, timed out)."""


class RegistryRefused(PeerRefused):
    """The registry answered with an error: its code and sentence."""


class RegistryClient(SignedClient):
    prefix = "/api/v1/registry"
    unavailable = RegistryUnavailable
    refused = RegistryRefused

    def consent_give(self, *, consent_id: str, subject_kind: str, subject_id: str,
                     purpose: str, days: int) -> Any:
        granted = timezone.now().replace(microsecond=0)
        expires = granted + timedelta(days=days)
        signed = consent_signature(self.secret, consent_id=consent_id,
                                   subject_kind=subject_kind, subject_id=subject_id,
                                   purpose=purpose, granted_at=granted.isoformat(),
                                   expires_at=expires.isoformat())
        return self.call("POST", "/consents", {
            "consent_id": consent_id, "subject_kind": subject_kind, "subject_id": subject_id,
            "purpose": purpose, "granted_at": granted.isoformat(),
            "expires_at": expires.isoformat(), "signature": signed})


def registry_client() -> RegistryClient:
    return RegistryClient(settings.PUHUI_REGISTRY_URL, settings.PUHUI_REGISTRY_MEMBER,
                          settings.PUHUI_REGISTRY_SECRET)


def _registry_unreachable(error: RegistryUnavailable) -> RegistryAnswer:
    return RegistryAnswer([Check.said(
        RULE_ID, False, _("the shared credit registry could not be reached ({error}); the "
                          "application waits, and nothing is approved without this check"),
        error=str(error))], unreachable=True)


def report_for_application(*, application: ApplicationFacts,
                           rulebook: Rulebook) -> RegistryAnswer:
    """``PUHUI_REGISTRY_REPORT``: the subject's consent (the borrower applied, which the
    platform records as consent to a loan-application inquiry) and the report across platforms,
    which the credit engine reads."""
    client = registry_client()
    subject = {"subject_kind": "enterprise", "subject_id": application.enterprise_uscc}
    consent_id = f"{application.subject}:consent"
    try:
        client.consent_give(
            consent_id=consent_id, purpose="loan_application", subject_kind="enterprise",
            subject_id=application.enterprise_uscc,
            days=rulebook_section(rulebook, "credit_information").consent_valid_days)
        report = client.call("POST", "/reports", subject | {
            "purpose": "loan_application", "consent_id": consent_id})
    except RegistryUnavailable as error:
        return _registry_unreachable(error)
    except RegistryRefused as refused:
        return RegistryAnswer([Check.said("credit_information.report", False,
                                          _("the shared credit registry refused: {reason}"),
                                          reason=refused.message_en)])
    notice_consent_used(application)
    try:
        return RegistryAnswer([], RegistryReport.model_validate(report))
    except ValidationError as wrong:
        return RegistryAnswer([Check.said(
            "credit_information.report", False,
            _("the shared credit registry's answer is not a report: {problem}"),
            problem=f"{wrong.errors()[0]['loc']} {wrong.errors()[0]['msg']}")])


def headroom_reserve(*, application: ApplicationFacts, rulebook: Rulebook) -> RegistryAnswer:
    """``PUHUI_EXPOSURE_RESERVE``: headroom under the cross-platform cap reserved for this
    application's amount — the registry decides one reservation at a time per subject, so two
    platforms cannot lend against the same headroom."""
    try:
        held = registry_client().call("POST", "/reservations", {
            "subject_kind": "enterprise", "subject_id": application.enterprise_uscc,
            "reference": application.subject,
            "amount": str(money_from_minor(application.amount_fen, "CNY"))})
    except RegistryUnavailable as error:
        return _registry_unreachable(error)
    except RegistryRefused as refused:
        return RegistryAnswer([Check.said(RULE_ID, False,
                                          _("the shared credit registry refused: {reason}"),
                                          reason=refused.message_en)])
    if held.get("status") != "held":  # asked again: released or converted meanwhile
        return RegistryAnswer([Check.said(RULE_ID, False, _(
            "the headroom reserved at the shared credit registry is {status}, no longer held"),
            status=str(held.get("status")))])
    return RegistryAnswer([Check.said(RULE_ID, True, _(
        "{amount} of headroom reserved at the shared credit registry"),
        amount=money_shown(application.amount_fen, "CNY"))])


def crowdfunding_limit_hold(hold: LimitHold) -> LimitAnswer:
    """``PUHUI_CROWDFUNDING_LIMIT_HOLD``: part of a backer's (or an issuer's) 12-month limit
    reserved across every platform; refused with what is used and left."""
    money = lambda fen: str(money_from_minor(fen, hold.currency))  # noqa: E731
    try:
        held = registry_client().call("POST", "/limits", {
            "purpose": str(hold.purpose), "subject_kind": hold.subject_kind,
            "subject_id": hold.subject_id, "reference": hold.reference,
            "amount": money(hold.amount_fen), "limit": money(hold.limit_fen),
            "currency": hold.currency,
            "expires_at": hold.expires_at.isoformat() if hold.expires_at else None})
    except RegistryUnavailable as error:
        return LimitAnswer(held=False, unreachable=str(error))
    except RegistryRefused as refused:
        if refused.code != "OVER_CROSS_PORTAL_LIMIT":
            return LimitAnswer(held=False, unreachable=refused.message_en)
        return LimitAnswer(held=False, facts={key: str(refused.detail.get(key, ""))
                                              for key in ("limit", "used", "left")})
    return LimitAnswer(held=held.get("status") == "held",
                       unreachable="" if held.get("status") == "held" else
                       f"the reservation is {held.get('status')}, no longer held")


def crowdfunding_limit_resolve(reference: str, collected_fen: int, currency: str) -> None:
    """``PUHUI_CROWDFUNDING_LIMIT_RESOLVE``: queue, in the current transaction, what was
    collected under a reservation (0: released); sent after commit."""
    OutboxMessage.objects.create(method="POST", path=f"/limits/{reference}/resolve", body={
        "collected": str(money_from_minor(collected_fen, currency)), "currency": currency})
    transaction.on_commit(outbox_send)


# --- what a member tells the registry after the application ------------------------------------


def registry_event(event: ExposureEvent) -> None:
    """``PUHUI_EXPOSURE_EVENTS``: queue the reservation's release, or its conversion into the
    loan's trade line, or the loan's change, in the current transaction; send after commit."""
    reference = event.application_subject  # "loan-application:42": safe in a path as it is
    if event.change == ExposureChange.RELEASED:
        OutboxMessage.objects.create(method="POST", path=f"/reservations/{reference}/release",
                                     body={})
    elif event.change == ExposureChange.CONVERTED and event.loan is not None:
        OutboxMessage.objects.create(method="POST", path=f"/reservations/{reference}/convert",
                                     body=trade_line(event.loan, event="opened"))
    elif event.change == ExposureChange.CHANGED and event.loan is not None:
        OutboxMessage.objects.create(method="POST", path="/trade-lines", body={
            "records": [trade_line(event.loan, event="changed")]})
    else:
        raise ValueError(f"an exposure event {event.change!r} needs its loan")
    transaction.on_commit(outbox_send)


def _history_code(loan: LoanFacts) -> str:
    """This month's code of the PBOC-like payment history: C settled, G written off, N current,
    1–7 by 30-day bucket of days past due."""
    if loan.status == "closed":
        return "C"
    if loan.status == "written_off":
        return "G"
    days = loan.days_past_due
    return "N" if days <= 0 else str(min((days - 1) // 30 + 1, 7))


def trade_line(loan: LoanFacts, *, event: str) -> dict[str, Any]:
    """The loan as a trade-line record of the registry's API. Its payment history is this
    month's code; the registry keeps the 24-month window."""
    status = {"closed": "closed", "written_off": "written_off",
              "default": "default"}.get(loan.status, "open")
    event_id = {"opened": f"loan:{loan.loan_id}:opened",
                "monthly": f"loan:{loan.loan_id}:monthly:{loan.as_of:%Y-%m}"}.get(
        event, f"loan:{loan.loan_id}:{event}:{uuid.uuid4()}")
    yuan = lambda fen: str(money_from_minor(fen, "CNY"))  # noqa: E731
    settled = status in ("closed", "written_off")
    return {
        "event_id": event_id,
        "event": "opened" if event == "opened" else "monthly" if event == "monthly" else "paid",
        "subject_kind": "enterprise", "subject_id": loan.enterprise_uscc,
        "account_number": f"loan:{loan.loan_id}", "product_type": loan.product_type,
        "opened_on": loan.value_date.isoformat(), "amount": yuan(loan.principal_fen),
        "balance": yuan(0 if settled else loan.outstanding_principal_fen),
        "scheduled_payment": yuan(loan.scheduled_payment_fen),
        "past_due": yuan(loan.past_due_fen), "status": status,
        "payment_history": _history_code(loan),
        "first_delinquency_on": loan.first_delinquency_on.isoformat()
        if loan.first_delinquency_on else None,
        "as_of": loan.as_of.isoformat(),
    }


def trade_lines_queue_monthly(loans: Iterable[LoanFacts]) -> int:
    """Queue every loan's trade line for the month (the monthly batch); one message per 1,000
    loans. Returns how many loans were queued."""
    records = [trade_line(loan, event="monthly") for loan in loans]
    for first in range(0, len(records), 1000):
        OutboxMessage.objects.create(method="POST", path="/trade-lines",
                                     body={"records": records[first:first + 1000]})
    return len(records)


def outbox_send() -> int:
    """Send what is queued for the registry; returns how many messages went out."""
    if not settings.PUHUI_REGISTRY_URL:
        return 0
    return outbox_deliver(OutboxMessage.objects, registry_client())
