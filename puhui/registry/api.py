"""The registry's API for its members, at /api/v1/registry. Every request is signed by a member:

    X-Puhui-Member: <member code>
    X-Puhui-Timestamp: <unix seconds>
    X-Puhui-Nonce: <random, used once>
    X-Puhui-Signature: hex HMAC-SHA256 of member, method, path?query, timestamp, nonce, body

A request with a wrong signature (tampered), an old timestamp or a nonce seen before (replayed)
is refused with 401 before anything else happens.
"""

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Body, Field, Router, Schema
from ninja.responses import Status

from puhui.core.errors import PuhuiError
from puhui.core.money import money_to_minor
from puhui.core.signed_http import SignatureProblem, signed_request_check
from puhui.registry import selectors, services
from puhui.registry.errors import RegistryError
from puhui.registry.models import Member, RequestNonce
from puhui.registry.ports import RegistryReport, SubjectReport


class SignedByMember:
    """Ninja auth: the member whose secret signed the request."""

    openapi_type = "apiKey"

    def __call__(self, request: HttpRequest) -> Member:
        members: dict[str, Member] = {}

        def secret_of(code: str) -> str | None:
            member = Member.objects.filter(code=code, active=True).first()
            if member is None:
                return None
            members[code] = member
            return services.member_secret(member)

        def nonce_first_use(code: str, nonce: str) -> bool:
            try:
                with transaction.atomic():
                    RequestNonce.objects.create(member=members[code], nonce=nonce)
            except IntegrityError:
                return False
            return True

        try:
            code = signed_request_check(request, secret_of, nonce_first_use)
        except SignatureProblem as problem:
            raise PuhuiError({"stale": RegistryError.REQUEST_STALE,
                              "replayed": RegistryError.REQUEST_REPLAYED}.get(
                problem.reason, RegistryError.REQUEST_NOT_SIGNED)) from None
        return members[code]


router = Router(tags=["registry"], auth=SignedByMember())


def _member(request: HttpRequest) -> Member:
    member = request.auth  # type: ignore[attr-defined]
    assert isinstance(member, Member)
    return member


class ConsentIn(Schema):
    consent_id: str = Field(min_length=1, max_length=64)
    subject_kind: str = Field(max_length=10)
    subject_id: str = Field(min_length=1, max_length=40)
    purpose: str = Field(max_length=20)
    granted_at: datetime
    expires_at: datetime
    signature: str = Field(min_length=64, max_length=64)


class ConsentOut(Schema):
    consent_id: str
    purpose: str
    expires_at: datetime


class ReportIn(Schema):
    subject_kind: str = Field(max_length=10)
    subject_id: str = Field(min_length=1, max_length=40)
    purpose: str = Field(max_length=20)
    consent_id: str = Field(min_length=1, max_length=64)


class TradeLinesIn(Schema):
    records: list[dict[str, Any]] = Field(max_length=10_000)


class TradeLinesOut(Schema):
    accepted: int
    duplicates: int
    rejected: list[dict[str, Any]]


class ReservationIn(Schema):
    subject_kind: str = Field(max_length=10)
    subject_id: str = Field(min_length=1, max_length=40)
    reference: str = Field(min_length=1, max_length=64)
    amount: str = Field(max_length=20)


class ReservationOut(Schema):
    reference: str
    amount_fen: int
    status: str


class LimitHoldIn(Schema):
    purpose: str = Field(max_length=12)
    subject_kind: str = Field(max_length=10)
    subject_id: str = Field(min_length=1, max_length=40)
    reference: str = Field(min_length=1, max_length=64)
    amount: str = Field(max_length=20)
    limit: str = Field(max_length=20)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    expires_at: datetime | None = None  # when an unresolved hold stops counting


class LimitResolveIn(Schema):
    collected: str = Field(max_length=20)  # "0" releases
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class NegativeRecordIn(Schema):
    subject_kind: str = Field(max_length=10)
    subject_id: str = Field(min_length=1, max_length=40)
    kind: str = Field(max_length=20)
    detail: str = Field(min_length=1, max_length=2000)
    subject_notified_on: date | None = None


class SubjectRequestIn(Schema):
    subject_kind: str = Field(max_length=10)
    subject_id: str = Field(min_length=1, max_length=40)
    consent_id: str = Field(min_length=1, max_length=64)


class SubjectDisputeIn(SubjectRequestIn):
    statement: str = Field(min_length=1, max_length=2000)
    trade_line_id: int | None = None
    negative_record_id: int | None = None


class DisputesFollowedIn(Schema):
    ids: list[int] = Field(max_length=500)


class DisputeAnswerIn(Schema):
    upheld: bool
    answer: str = Field(min_length=1, max_length=2000)


def _reservation_out(reservation: Any) -> ReservationOut:
    return ReservationOut(reference=reservation.reference, amount_fen=reservation.amount_fen,
                          status=reservation.status)


@router.post("/consents", response={201: ConsentOut}, summary="Record a subject's consent")
def consent_create(request: HttpRequest, payload: ConsentIn) -> Status[ConsentOut]:
    consent = services.consent_record(
        member=_member(request), consent_id=payload.consent_id,
        subject_kind=payload.subject_kind, subject_id=payload.subject_id,
        purpose=payload.purpose, granted_at=payload.granted_at, expires_at=payload.expires_at,
        signed=payload.signature)
    return Status(201, ConsentOut(consent_id=consent.consent_id, purpose=consent.purpose,
                                  expires_at=consent.expires_at))


@router.post("/reports", response=RegistryReport, exclude_none=True,
             summary="A subject's report (needs consent)")
def report(request: HttpRequest, payload: ReportIn) -> RegistryReport:
    return services.report_request(member=_member(request), subject_kind=payload.subject_kind,
                                   subject_id=payload.subject_id, purpose=payload.purpose,
                                   consent_id=payload.consent_id)


@router.post("/trade-lines", response=TradeLinesOut,
             summary="Report trade lines (events or the monthly batch)")
def trade_lines(request: HttpRequest, payload: TradeLinesIn) -> TradeLinesOut:
    result = services.trade_lines_report(member=_member(request), records=payload.records)
    return TradeLinesOut(accepted=result.accepted, duplicates=result.duplicates,
                         rejected=result.rejected)


@router.post("/reservations", response={201: ReservationOut},
             summary="Reserve headroom under the cross-platform cap")
def reservation_create(request: HttpRequest, payload: ReservationIn
                       ) -> Status[ReservationOut]:
    reservation = services.reservation_hold(
        member=_member(request), subject_kind=payload.subject_kind,
        subject_id=payload.subject_id, reference=payload.reference,
        amount_fen=money_to_minor(payload.amount, "CNY"))
    return Status(201, _reservation_out(reservation))


@router.post("/reservations/{reference}/release", response=ReservationOut,
             summary="The listing failed: free the headroom")
def reservation_release(request: HttpRequest, reference: str) -> ReservationOut:
    return _reservation_out(services.reservation_release(member=_member(request),
                                                         reference=reference))


@router.post("/reservations/{reference}/convert", response=ReservationOut,
             summary="The loan is made: its trade line replaces the reservation")
def reservation_convert(request: HttpRequest, reference: str,
                        payload: dict[str, Any] = Body(...)) -> ReservationOut:  # noqa: B008
    return _reservation_out(services.reservation_convert(
        member=_member(request), reference=reference, trade_line=payload))


@router.post("/limits", response={201: ReservationOut},
             summary="Reserve part of a backer's or an issuer's 12-month crowdfunding limit")
def limit_hold(request: HttpRequest, payload: LimitHoldIn) -> Status[ReservationOut]:
    reservation = services.limit_hold(
        member=_member(request), purpose=payload.purpose, subject_kind=payload.subject_kind,
        subject_id=payload.subject_id, reference=payload.reference,
        amount_fen=money_to_minor(payload.amount, payload.currency),
        limit_fen=money_to_minor(payload.limit, payload.currency), currency=payload.currency,
        expires_at=payload.expires_at)
    return Status(201, _reservation_out(reservation))


@router.post("/limits/{reference}/resolve", response=ReservationOut,
             summary="The raise ended: convert what was collected, or release (0)")
def limit_resolve(request: HttpRequest, reference: str, payload: LimitResolveIn
                  ) -> ReservationOut:
    return _reservation_out(services.limit_resolve(
        member=_member(request), reference=reference,
        collected_fen=money_to_minor(payload.collected, payload.currency)))


@router.post("/negative-records", response={201: dict[str, Any]},
             summary="Report a default, fake information or fraud")
def negative_record(request: HttpRequest, payload: NegativeRecordIn
                    ) -> Status[dict[str, Any]]:
    record = services.negative_record_report(
        member=_member(request), subject_kind=payload.subject_kind,
        subject_id=payload.subject_id, kind=payload.kind, detail=payload.detail,
        subject_notified_on=payload.subject_notified_on)
    return Status(201, {"id": record.pk, "expires_on": record.expires_on.isoformat()})


@router.post("/disputes/{dispute_id}/answer", response=dict[str, Any],
             summary="Answer a subject's dispute")
def dispute_answer(request: HttpRequest, dispute_id: int,
                   payload: DisputeAnswerIn) -> dict[str, Any]:
    dispute = services.dispute_answer(member=_member(request), dispute_id=dispute_id,
                                      upheld=payload.upheld, answer=payload.answer)
    return {"id": dispute.pk, "answered_on": dispute.answered_on.isoformat()
            if dispute.answered_on else None, "upheld": dispute.upheld}


@router.post("/subject/report", response=SubjectReport, exclude_none=True,
             summary="The subject's own report, who looked, and their disputes")
def subject_report(request: HttpRequest, payload: SubjectRequestIn) -> SubjectReport:
    return services.subject_request(member=_member(request), subject_kind=payload.subject_kind,
                                    subject_id=payload.subject_id,
                                    consent_id=payload.consent_id)


@router.post("/subject/disputes", response={201: dict[str, Any]},
             summary="The subject disputes a trade line or a negative record")
def subject_dispute(request: HttpRequest, payload: SubjectDisputeIn
                    ) -> Status[dict[str, Any]]:
    dispute = services.subject_dispute(
        member=_member(request), subject_kind=payload.subject_kind,
        subject_id=payload.subject_id, consent_id=payload.consent_id,
        statement=payload.statement, trade_line_id=payload.trade_line_id,
        negative_record_id=payload.negative_record_id)
    return Status(201, {"id": dispute.pk, "answer_due_on": dispute.answer_due_on.isoformat()})


@router.post("/subject/disputes/status", response=dict[str, Any],
             summary="How the disputes opened through this member stand")
def subject_disputes_status(request: HttpRequest, payload: DisputesFollowedIn
                            ) -> dict[str, Any]:
    return {"disputes": selectors.disputes_opened_through(member=_member(request),
                                                         ids=payload.ids)}
