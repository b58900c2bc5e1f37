"""A member's side of the registry: signed HTTP calls (``RegistryClient``) and the exposure
check lending calls before an application can be approved (``PUHUI_EXPOSURE_CHECK =
puhui.registry.client.exposure_registry``): the subject's consent, the report, and a
reservation of headroom under the cross-platform cap.

When the registry cannot be reached the check fails with that reason — nothing passes
silently — and the application is refused with it, to be submitted again.
"""

import json
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from puhui.core.money import money_from_minor
from puhui.core.signing import signature
from puhui.lending.models import Loan, LoanApplication
from puhui.lending.services import Check, ExposureOutcome
from puhui.registry.models import OutboxMessage
from puhui.registry.services import consent_signature
from puhui.rulebook.schema import Rulebook

CONSENT_DAYS = 30
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
                     purpose: str, days: int = CONSENT_DAYS) -> Any:
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


def exposure_registry(*, application: LoanApplication, rulebook: Rulebook) -> ExposureOutcome:
    """Before approval: consent (the borrower applied, which the platform records as consent to
    a loan-application inquiry), the report across platforms, and headroom reserved for this
    application's amount."""
    enterprise = application.enterprise
    client = registry_client()
    subject = {"subject_kind": "enterprise", "subject_id": enterprise.uscc}
    consent_id = f"{application.subject}:consent"
    try:
        client.consent_give(consent_id=consent_id, purpose="loan_application",
                            subject_kind="enterprise", subject_id=enterprise.uscc)
        report = client.call("POST", "/reports", subject | {
            "purpose": "loan_application", "consent_id": consent_id})
        client.call("POST", "/reservations", subject | {
            "reference": application.subject,
            "amount": str(money_from_minor(application.amount_fen, "CNY"))})
    except RegistryUnavailable as error:
        return ExposureOutcome([Check(
            RULE_ID, False, "the shared credit registry could not be reached "
            f"({error}); nothing is approved without its check — apply again later")], {})
    except RegistryRefused as refused:
        return ExposureOutcome([Check(RULE_ID, False,
                                      f"shared credit registry: {refused.message_en}")], {})
    negative = report["negative_records"]
    return ExposureOutcome([
        Check(RULE_ID, True, f"across platforms: {report['outstanding_total']} CNY outstanding, "
              f"{report['reserved_total']} CNY reserved before this application, "
              f"{report['open_financings']} open financings; headroom reserved"),
        Check("credit_information.negative_records", not negative,
              "none on record" if not negative else
              "; ".join(f"{r['kind']} reported {r['reported_on']}" for r in negative)),
    ], report)


# --- what a member tells the registry after the application ------------------------------------


def registry_event(*, application: LoanApplication, event: str, loan: Loan | None) -> None:
    """``PUHUI_EXPOSURE_EVENTS``: queue the reservation's release, or its conversion into the
    loan's trade line, in the current transaction; send after commit."""
    reference = application.subject  # "loan-application:42": safe in a path as it is
    if event == "released":
        OutboxMessage.objects.create(method="POST", path=f"/reservations/{reference}/release",
                                     body={})
    elif event == "converted" and loan is not None:
        first = loan.installments.order_by("number").first()
        scheduled = (first.principal_fen + first.interest_fen + first.fee_fen) if first else 0
        OutboxMessage.objects.create(method="POST", path=f"/reservations/{reference}/convert",
                                     body=_trade_line(loan, application, scheduled))
    else:
        raise ValueError(f"unknown exposure event {event!r}")
    transaction.on_commit(outbox_send)


def _trade_line(loan: Loan, application: LoanApplication, scheduled_fen: int) -> dict[str, Any]:
    yuan = lambda fen: str(money_from_minor(fen, "CNY"))  # noqa: E731
    return {"event_id": f"loan:{loan.pk}:opened", "subject_kind": "enterprise",
            "subject_id": application.enterprise.uscc, "account_number": f"loan:{loan.pk}",
            "product_type": "loan", "opened_on": loan.value_date.isoformat(),
            "amount": yuan(loan.principal_fen), "balance": yuan(loan.principal_fen),
            "scheduled_payment": yuan(scheduled_fen), "past_due": "0.00", "status": "open",
            "payment_history": "N", "as_of": loan.value_date.isoformat()}


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
