"""Crowdfunding's 12-month limits at the registry: what every member holds or collected counts;
a collection counts for 365 days from it and no longer; a release frees at once; the borrowing
cap never sees crowdfunding's reservations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.registry.models import Reservation
from puhui.registry.selectors import exposure_fen
from puhui.registry.services import limit_hold, limit_resolve, member_register, subject_for

pytestmark = pytest.mark.django_db
PERSON = "110101198506150013"


@pytest.fixture
def members():
    return [member_register(code=f"platform-{c}", name=c, kind="platform")[0] for c in "ab"]


def _hold(member, reference: str, fen: int, *, limit_fen: int = 400_000,
          purpose: str = "investment"):
    return limit_hold(member=member, purpose=purpose, subject_kind="person",
                      subject_id=PERSON, reference=reference, amount_fen=fen,
                      limit_fen=limit_fen, currency="USD")


def _refused(call, *args, **kwargs) -> PuhuiError:
    with pytest.raises(PuhuiError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_collected_counts_for_365_days_and_then_no_longer(members):
    a, b = members
    _hold(a, "p-1", 300_000)
    limit_resolve(member=a, reference="p-1", collected_fen=250_000)  # 2,500 of 3,000 collected
    assert _refused(_hold, b, "p-2", 150_001).facts == {
        "purpose": "A backer's 12-month crowdfunding limit", "limit": "4000.00 USD",
        "used": "2500.00 USD", "left": "1500.00 USD"}
    collected = Reservation.objects.get(reference="p-1")
    collected.resolved_at = timezone.now() - timedelta(days=364, hours=23)
    collected.save()
    assert _refused(_hold, b, "p-3", 150_001).code == "OVER_CROSS_PORTAL_LIMIT"  # still inside
    collected.resolved_at = timezone.now() - timedelta(days=365, minutes=1)
    collected.save()
    assert _hold(b, "p-4", 400_000).status == "held"  # a year on: the whole limit again


def test_a_release_frees_at_once_and_a_resolution_is_not_undone(members):
    a, b = members
    _hold(a, "p-1", 400_000)
    assert _refused(_hold, b, "p-2", 1).code == "OVER_CROSS_PORTAL_LIMIT"
    limit_resolve(member=a, reference="p-1", collected_fen=0)
    limit_resolve(member=a, reference="p-1", collected_fen=0)  # sent twice: the same
    assert _refused(limit_resolve, member=a, reference="p-1",
                    collected_fen=1).code == "RESERVATION_RESOLVED"
    assert _hold(b, "p-2", 400_000).status == "held"
    assert _refused(limit_resolve, member=b, reference="p-2",
                    collected_fen=400_001).code == "COLLECTED_OVER_RESERVED"
    assert _refused(limit_resolve, member=a, reference="p-2",
                    collected_fen=0).code == "RESERVATION_NOT_FOUND"  # b's, not a's


def test_purposes_are_kept_apart_and_the_borrowing_cap_never_sees_them(members):
    a, _b = members
    _hold(a, "p-1", 400_000)
    assert _hold(a, "c-1", 400_000, purpose="raise").status == "held"  # another limit
    assert exposure_fen(subject_for("person", PERSON)) == 0
    assert _refused(_hold, a, "p-1", 300_000).code == "RESERVATION_DIFFERS"
    assert _hold(a, "p-1", 400_000).pk == Reservation.objects.get(reference="p-1").pk
    assert _refused(_hold, a, "x", 1, purpose="borrowing").code == "PURPOSE_UNKNOWN"


def test_a_hold_nobody_resolved_stops_counting_when_it_expires(members):
    a, b = members
    expiry = timezone.now() + timedelta(days=1)
    limit_hold(member=a, purpose="investment", subject_kind="person", subject_id=PERSON,
               reference="lost", amount_fen=400_000, limit_fen=400_000, currency="USD",
               expires_at=expiry)
    assert _refused(_hold, b, "p-1", 1).code == "OVER_CROSS_PORTAL_LIMIT"  # still counting
    Reservation.objects.filter(reference="lost").update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert _hold(b, "p-2", 400_000).status == "held"  # expired: the limit is free again
