"""A member's side of the registry: signed HTTP calls (``RegistryClient``) and the two steps
lending takes before an application can be approved: the subject's consent and the report, which
the credit engine reads (``PUHUI_REGISTRY_REPORT = …report_for_application``), and a reservation
of headroom under the cross-platform cap (``PUHUI_EXPOSURE_RESERVE = …headroom_reserve``); then
what the member tells the registry afterwards, through an outbox.

When the registry cannot be reached the step fails with that reason — nothing passes silently —
and the application waits until ``puhui registry send`` asks again.
"""

import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from puhui.core.money import money_from_minor, money_shown
from puhui.core.signing import signature
from puhui.lending.models import Loan, LoanApplication, LoanStatus
from puhui.lending.services import Check, RegistryAnswer
from puhui.registry.models import OutboxMessage
from puhui.registry.services import consent_signature
from puhui.rulebook.schema import Rulebook
from puhui.rulebook.selectors import rulebook_section

RULE_ID = "borrowing_caps.legal_person.all_platforms"


class RegistryUnavailable(Exception):
    """The registry did not answer (down, unreachable, timed out)."""


class RegistryRefused(Exception):
    """The registry answered with an error: its code and sentence."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message_en") or body.get("message") or f"HTTP {status}")
        self.status, self.code = status, str(body.get("code", ""))
        self.message_en = str(body.get("message_en") or body.get("message") or "")
        self.detail = body.get("detail", {})


class RegistryClient:
    def __init__(self, base_url: str, member: str, secret: str,
                 timeout_seconds: float = 10) -> None:
        self.base_url, self.member, self.secret = base_url.rstrip("/"), member, secret
        self.timeout_seconds = timeout_seconds

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        payload = json.dumps(body).encode() if body is not None else b""
        full_path = "/api/v1/registry" + path
        timestamp, nonce = str(time.time()), secrets.token_hex(16)
        request = urllib.request.Request(  # noqa: S310 - the configured registry URL
            self.base_url + full_path, data=payload or None, method=method,
            headers={"Content-Type": "application/json", "X-Puhui-Member": self.member,
                     "X-Puhui-Timestamp": timestamp, "X-Puhui-Nonce": nonce,
                     "X-Puhui-Signature": signature(self.secret, self.member, method,
                                                    full_path, timestamp, nonce, payload)})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                answer = json.loads(error.read())
            except ValueError:
                answer = {}
            raise RegistryRefused(error.code, answer) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise RegistryUnavailable(str(error)) from error

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
    return RegistryAnswer([Check(
        RULE_ID, False, "the shared credit registry could not be reached "
        f"({error}); the application waits, and nothing is approved without this check")],
        unreachable=True)


def report_for_application(*, application: LoanApplication,
                           rulebook: Rulebook) -> RegistryAnswer:
    """``PUHUI_REGISTRY_REPORT``: the subject's consent (the borrower applied, which the
    platform records as consent to a loan-application inquiry) and the report across platforms,
    which the credit engine reads."""
    enterprise = application.enterprise
    client = registry_client()
    subject = {"subject_kind": "enterprise", "subject_id": enterprise.uscc}
    consent_id = f"{application.subject}:consent"
    try:
        client.consent_give(
            consent_id=consent_id, purpose="loan_application", subject_kind="enterprise",
            subject_id=enterprise.uscc,
            days=rulebook_section(rulebook, "credit_information").consent_valid_days)
        report = client.call("POST", "/reports", subject | {
            "purpose": "loan_application", "consent_id": consent_id})
    except RegistryUnavailable as error:
        return _registry_unreachable(error)
    except RegistryRefused as refused:
        return RegistryAnswer([Check("credit_information.report", False,
                                     f"shared credit registry: {refused.message_en}")])
    return RegistryAnswer([], report)


def headroom_reserve(*, application: LoanApplication, rulebook: Rulebook) -> RegistryAnswer:
    """``PUHUI_EXPOSURE_RESERVE``: headroom under the cross-platform cap reserved for this
    application's amount — the registry decides one reservation at a time per subject, so two
    platforms cannot lend against the same headroom."""
    try:
        registry_client().call("POST", "/reservations", {
            "subject_kind": "enterprise", "subject_id": application.enterprise.uscc,
            "reference": application.subject,
            "amount": str(money_from_minor(application.amount_fen, "CNY"))})
    except RegistryUnavailable as error:
        return _registry_unreachable(error)
    except RegistryRefused as refused:
        return RegistryAnswer([Check(RULE_ID, False,
                                     f"shared credit registry: {refused.message_en}")])
    return RegistryAnswer([Check(RULE_ID, True, f"{money_shown(application.amount_fen, 'CNY')} of "
                                 "headroom reserved at the shared credit registry")])


# --- what a member tells the registry after the application ------------------------------------


def registry_event(*, application: LoanApplication, event: str, loan: Loan | None,
                   on: date | None = None) -> None:
    """``PUHUI_EXPOSURE_EVENTS``: queue the reservation's release, or its conversion into the
    loan's trade line, in the current transaction; send after commit."""
    reference = application.subject  # "loan-application:42": safe in a path as it is
    if event == "released":
        OutboxMessage.objects.create(method="POST", path=f"/reservations/{reference}/release",
                                     body={})
    elif event == "converted" and loan is not None:
        OutboxMessage.objects.create(method="POST", path=f"/reservations/{reference}/convert",
                                     body=loan_trade_line(loan, event="opened"))
    elif event == "changed" and loan is not None:
        OutboxMessage.objects.create(method="POST", path="/trade-lines", body={
            "records": [loan_trade_line(loan, event="changed", as_of=on)]})
    else:
        raise ValueError(f"unknown exposure event {event!r}")
    transaction.on_commit(outbox_send)


def _history_code(loan: Loan, days_past_due: int) -> str:
    """This month's code of the PBOC-like payment history: C settled, G written off, N current,
    1–7 by 30-day bucket of days past due."""
    if loan.status == LoanStatus.CLOSED:
        return "C"
    if loan.status == LoanStatus.WRITTEN_OFF:
        return "G"
    return "N" if days_past_due <= 0 else str(min((days_past_due - 1) // 30 + 1, 7))


def loan_trade_line(loan: Loan, *, event: str, as_of: date | None = None) -> dict[str, Any]:
    """The loan as a trade-line record, from the platform's books on ``as_of`` (today). Its
    payment history is this month's code; the registry keeps the 24-month window."""
    as_of = as_of or timezone.localdate()
    installments = list(loan.installments.order_by("number"))
    unsettled = [i for i in installments if not i.settled]
    late = [i for i in unsettled if i.due_date <= as_of]
    upcoming = next((i for i in unsettled if i.due_date > as_of), None)
    outstanding = sum(i.owed("principal") for i in installments)
    status = {LoanStatus.CLOSED: "closed", LoanStatus.WRITTEN_OFF: "written_off",
              LoanStatus.DEFAULT: "default"}.get(loan.status, "open")  # type: ignore[call-overload]
    dpd = max((i.days_past_due for i in late), default=0)
    delinquent = [i.due_date for i in late if i.days_past_due > 0]
    event_id = {"opened": f"loan:{loan.pk}:opened",
                "monthly": f"loan:{loan.pk}:monthly:{as_of:%Y-%m}"}.get(
        event, f"loan:{loan.pk}:{event}:{uuid.uuid4()}")
    yuan = lambda fen: str(money_from_minor(fen, "CNY"))  # noqa: E731
    application = loan.listing.application
    return {
        "event_id": event_id,
        "event": "opened" if event == "opened" else "monthly" if event == "monthly" else "paid",
        "subject_kind": "enterprise", "subject_id": application.enterprise.uscc,
        "account_number": f"loan:{loan.pk}", "product_type": "loan",
        "opened_on": loan.value_date.isoformat(), "amount": yuan(loan.principal_fen),
        "balance": yuan(0 if status in ("closed", "written_off") else outstanding),
        "scheduled_payment": yuan(sum(upcoming.owed(p) for p in ("principal", "interest", "fee"))
                                  if upcoming else 0),
        "past_due": yuan(sum(i.owed(p) for i in late
                             for p in ("principal", "interest", "fee", "penalty"))),
        "status": status, "payment_history": _history_code(loan, dpd),
        "first_delinquency_on": min(delinquent).isoformat() if delinquent else None,
        "as_of": as_of.isoformat(),
    }


def loans_report_monthly(*, as_of: date) -> int:
    """Queue every loan's trade line for the month of ``as_of`` (the monthly batch); one
    message per 1,000 loans. Returns how many loans were queued."""
    loans = Loan.objects.select_related("listing__application__enterprise").order_by("pk")
    records = [loan_trade_line(loan, event="monthly", as_of=as_of) for loan in loans]
    for first in range(0, len(records), 1000):
        OutboxMessage.objects.create(method="POST", path="/trade-lines",
                                     body={"records": records[first:first + 1000]})
    return len(records)


def outbox_send() -> int:
    """Send what is queued, oldest first; stop at the first sign the registry is down.
    Returns how many messages went out."""
    if not settings.PUHUI_REGISTRY_URL:
        return 0
    client, sent = registry_client(), 0
    for message in OutboxMessage.objects.filter(sent_at__isnull=True,
                                                refused_at__isnull=True).order_by("pk"):
        message.attempts += 1
        try:
            client.call(message.method, message.path, message.body)
        except RegistryUnavailable as error:
            message.last_error = str(error)
            message.save(update_fields=["attempts", "last_error"])
            break
        except RegistryRefused as refused:
            message.refused_at, message.last_error = timezone.now(), refused.message_en
            message.save(update_fields=["attempts", "refused_at", "last_error"])
            continue
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "sent_at"])
        sent += 1
    return sent
