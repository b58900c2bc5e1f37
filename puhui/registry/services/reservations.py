"""Headroom reserved under the cross-platform caps, decided one at a time per subject (its row
locked), released or converted into the loan's trade line atomically."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from puhui.core.errors import CoreError, PuhuiError
from puhui.core.money import money_to_minor
from puhui.registry.errors import RegistryError
from puhui.registry.models import (
    Member,
    Reservation,
    ReservationPurpose,
    ReservationStatus,
    Subject,
    SubjectKind,
)
from puhui.registry.selectors import exposure_fen, yuan_text
from puhui.registry.services.members import subject_for
from puhui.registry.services.trade_lines import trade_lines_report
from puhui.rulebook.schema import Rulebook
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section


def _cap_fen(subject: Subject, rulebook: Rulebook) -> int:
    caps = rulebook_section(rulebook, "borrowing_caps")
    pair = caps.legal_person if subject.kind == SubjectKind.ENTERPRISE else caps.natural_person
    return money_to_minor(pair.all_platforms, "CNY")


@transaction.atomic
def reservation_hold(*, member: Member, subject_kind: str, subject_id: str, reference: str,
                     amount_fen: int, rulebook: Rulebook | None = None) -> Reservation:
    """Reserve ``amount_fen`` of the subject's headroom for the member's listing ``reference``;
    refused when it would take the subject over the cap across all members. Idempotent by
    reference (the same amount again is the same reservation)."""
    if amount_fen <= 0:
        raise PuhuiError(CoreError.AMOUNT_NOT_POSITIVE)
    subject = subject_for(subject_kind, subject_id)
    Subject.objects.select_for_update().filter(pk=subject.pk).get()  # one decision at a time
    existing = Reservation.objects.filter(member=member, reference=reference).first()
    if existing:
        if existing.amount_fen != amount_fen:
            raise PuhuiError(RegistryError.RESERVATION_DIFFERS, reference=reference)
        return existing
    cap = _cap_fen(subject, rulebook or rulebook_in_force())
    exposure = exposure_fen(subject)
    if exposure + amount_fen > cap:
        raise PuhuiError(RegistryError.OVER_CROSS_PLATFORM_CAP, cap=yuan_text(cap),
                         exposure=yuan_text(exposure), headroom=yuan_text(max(cap - exposure, 0)))
    return Reservation.objects.create(member=member, subject=subject, reference=reference,
                                      amount_fen=amount_fen)


def _reservation_locked(member: Member, reference: str) -> Reservation:
    found = (Reservation.objects.select_for_update()
             .filter(member=member, reference=reference,
                     purpose=ReservationPurpose.BORROWING).first())
    if found is None:
        raise PuhuiError(RegistryError.RESERVATION_NOT_FOUND, reference=reference)
    return found


@transaction.atomic
def reservation_release(*, member: Member, reference: str) -> Reservation:
    """The listing failed: the headroom is free again (idempotent)."""
    reservation = _reservation_locked(member, reference)
    if reservation.status == ReservationStatus.CONVERTED:
        raise PuhuiError(RegistryError.RESERVATION_RESOLVED, reference=reference,
                         status=reservation.status)
    if reservation.status == ReservationStatus.HELD:
        reservation.status, reservation.resolved_at = ReservationStatus.RELEASED, timezone.now()
        reservation.save(update_fields=["status", "resolved_at"])
    return reservation


@transaction.atomic
def reservation_convert(*, member: Member, reference: str,
                        trade_line: dict[str, Any]) -> Reservation:
    """The loan is made: its trade line (event ``opened``) replaces the reservation in the same
    transaction, so the exposure never drops in between."""
    reservation = _reservation_locked(member, reference)
    if reservation.status == ReservationStatus.CONVERTED:
        return reservation
    if reservation.status == ReservationStatus.RELEASED:
        raise PuhuiError(RegistryError.RESERVATION_RESOLVED, reference=reference,
                         status=reservation.status)
    result = trade_lines_report(member=member, records=[trade_line | {"event": "opened"}])
    if result.rejected:
        raise PuhuiError(RegistryError.TRADE_LINE_REJECTED, reason=result.rejected[0]["reason"])
    reservation.status, reservation.resolved_at = ReservationStatus.CONVERTED, timezone.now()
    reservation.save(update_fields=["status", "resolved_at"])
    return reservation
