"""Crowdfunding's 12-month limits across members: what a backer may invest (Reg CF's investor
limit) and what an issuer may raise (its issuer cap). Each member states the limit it applies;
the registry adds up what every member has reserved or collected for the subject in the 12
months before, deciding one reservation at a time per subject (its row locked), so two
platforms can never each let the same person use the same limit.

A reservation is held per pledge (or per campaign for its issuer), converted at the amount
collected when the raise succeeds — it then counts for 12 months from the conversion — and
released when the pledge is cancelled or the raise fails."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from puhui.core.errors import CoreError, PuhuiError
from puhui.core.money import money_from_minor
from puhui.registry.errors import RegistryError
from puhui.registry.models import (
    Member,
    Reservation,
    ReservationPurpose,
    ReservationStatus,
    Subject,
)
from puhui.registry.services.members import subject_for

LIMITED_PURPOSES = (ReservationPurpose.INVESTMENT, ReservationPurpose.RAISE)
WINDOW = timedelta(days=365)


def limit_used_fen(subject: Subject, purpose: str) -> int:
    """Held now, or collected in the 12 months before, across every member."""
    now = timezone.now()
    total = Reservation.objects.filter(subject=subject, purpose=purpose).filter(
        Q(status=ReservationStatus.HELD, expires_at__isnull=True)
        | Q(status=ReservationStatus.HELD, expires_at__gt=now)
        | Q(status=ReservationStatus.CONVERTED, resolved_at__gte=now - WINDOW)
    ).aggregate(total=Sum("amount_fen"))["total"]
    return int(total or 0)


def _text(fen: int, currency: str) -> str:
    return f"{money_from_minor(fen, currency)} {currency}"


@transaction.atomic
def limit_hold(*, member: Member, purpose: str, subject_kind: str, subject_id: str,
               reference: str, amount_fen: int, limit_fen: int, currency: str,
               expires_at: datetime | None = None) -> Reservation:
    """Reserve ``amount_fen`` of the subject's 12-month limit for ``purpose``; refused when what
    every member holds or collected would go past ``limit_fen``. Idempotent by reference. A
    hold stops counting at ``expires_at`` unless it was resolved before."""
    if purpose not in LIMITED_PURPOSES:
        raise PuhuiError(RegistryError.PURPOSE_UNKNOWN, purpose=purpose)
    if amount_fen <= 0 or limit_fen < 0:
        raise PuhuiError(CoreError.AMOUNT_NOT_POSITIVE)
    subject = subject_for(subject_kind, subject_id)
    Subject.objects.select_for_update().filter(pk=subject.pk).get()  # one decision at a time
    existing = Reservation.objects.filter(member=member, reference=reference).first()
    if existing:
        if existing.amount_fen != amount_fen or existing.purpose != purpose:
            raise PuhuiError(RegistryError.RESERVATION_DIFFERS, reference=reference)
        return existing
    used = limit_used_fen(subject, purpose)
    if used + amount_fen > limit_fen:
        raise PuhuiError(RegistryError.OVER_CROSS_PORTAL_LIMIT,
                         purpose=ReservationPurpose(purpose).label,
                         limit=_text(limit_fen, currency), used=_text(used, currency),
                         left=_text(max(limit_fen - used, 0), currency))
    return Reservation.objects.create(member=member, subject=subject, reference=reference,
                                      purpose=purpose, amount_fen=amount_fen,
                                      limit_fen=limit_fen, expires_at=expires_at)


def _limited_locked(member: Member, reference: str) -> Reservation:
    found = (Reservation.objects.select_for_update()
             .filter(member=member, reference=reference, purpose__in=LIMITED_PURPOSES).first())
    if found is None:
        raise PuhuiError(RegistryError.RESERVATION_NOT_FOUND, reference=reference)
    return found


@transaction.atomic
def limit_resolve(*, member: Member, reference: str, collected_fen: int | None) -> Reservation:
    """The raise ended: ``collected_fen`` of the reservation was collected (at most what was
    held) and counts from now for 12 months, or it is released (``None``; or 0). A second
    resolution the same way changes nothing; the other way is refused."""
    reservation = _limited_locked(member, reference)
    collected = collected_fen or 0
    wanted = ReservationStatus.CONVERTED if collected else ReservationStatus.RELEASED
    if reservation.status != ReservationStatus.HELD:
        if reservation.status != wanted:
            raise PuhuiError(RegistryError.RESERVATION_RESOLVED, reference=reference,
                             status=reservation.status)
        return reservation
    if collected < 0 or collected > reservation.amount_fen:
        raise PuhuiError(RegistryError.COLLECTED_OVER_RESERVED, reference=reference)
    reservation.status, reservation.resolved_at = wanted, timezone.now()
    if collected:
        reservation.amount_fen = collected
    reservation.save(update_fields=["status", "resolved_at", "amount_fen"])
    return reservation
