"""On a platform: the disputes its borrowers opened at the registry, followed until the member
whose record is disputed answers, so the borrower is told the outcome (and told when the answer
is late and the dispute escalated). The registry tells a member only of disputes opened through
it; the registry exchange's daily step asks."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from puhui.core.business_day import Partition
from puhui.parties.models import User
from puhui.registry.client import RegistryRefused, RegistryUnavailable, registry_client
from puhui.registry.models import FollowedDispute
from puhui.registry.notices import notice_dispute_answered, notice_dispute_escalated
from puhui.registry.ports import DisputeShown

FOLLOWED_AT_ONCE = 500  # the registry's limit per request


def dispute_follow(*, user: User, subject_id: str, opened: dict[str, Any]) -> FollowedDispute:
    """Remember the dispute the registry just opened for ``user`` (its answer to the
    subject's dispute: id and the day the answer is due)."""
    followed, _created = FollowedDispute.objects.get_or_create(
        dispute_id=opened["id"], defaults={"user": user, "subject_id": subject_id,
                                           "answer_due_on": date.fromisoformat(
                                               opened["answer_due_on"])})
    return followed


@dataclass(frozen=True)
class DisputesFollowed:
    answered: int
    escalated: int
    problem: str = ""

    def summary(self) -> str:
        return _("Disputes followed at the registry: {answered} answered, {escalated} "
                 "escalated.").format(answered=self.answered, escalated=self.escalated)


def disputes_follow_up() -> DisputesFollowed:
    """Ask the registry how the disputes not yet answered stand, a request per
    ``FOLLOWED_AT_ONCE``; tell each borrower of an answer (once) and of an escalation (once),
    each in the transaction that records it."""
    if not settings.PUHUI_REGISTRY_URL:
        return DisputesFollowed(0, 0)
    answered = escalated = after = 0
    while waiting := {row.dispute_id: row for row in FollowedDispute.objects.filter(
            answer_told_at__isnull=True, pk__gt=after).select_related("user")
            .order_by("pk")[:FOLLOWED_AT_ONCE]}:
        after = max(row.pk for row in waiting.values())
        try:
            answer = registry_client().call("POST", "/subject/disputes/status",
                                            {"ids": list(waiting)})
        except (RegistryUnavailable, RegistryRefused) as error:
            return DisputesFollowed(answered, escalated, problem=_(
                "The registry could not be asked about disputes: {error}").format(error=error))
        for shown in (DisputeShown.model_validate(d) for d in answer["disputes"]):
            told = _tell(waiting[shown.id], shown) if shown.id in waiting else None
            answered += told == "answered"
            escalated += told == "escalated"
    return DisputesFollowed(answered, escalated)


@transaction.atomic
def _tell(row: FollowedDispute, shown: DisputeShown) -> str | None:
    """Tell the borrower what is new about one dispute, and record that they were told."""
    if shown.answered_on is not None:
        notice_dispute_answered(row.user, shown)
        row.answer_told_at = timezone.now()
        row.save(update_fields=["answer_told_at"])
        return "answered"
    if shown.escalated_on is not None and not row.escalation_told:
        notice_dispute_escalated(row.user, shown)
        row.escalation_told = True
        row.save(update_fields=["escalation_told"])
        return "escalated"
    return None


def disputes_follow_up_step(business_date: date, partition: Partition) -> DisputesFollowed:
    return disputes_follow_up()
