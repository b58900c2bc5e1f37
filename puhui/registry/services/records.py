"""Negative records (only after the subject was told; expiring after the rulebook's retention)
and disputes (flagged until answered, escalated when late)."""

from datetime import date, timedelta

from django.db import transaction

from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.registry.errors import RegistryError
from puhui.registry.models import (
    Dispute,
    Member,
    NegativeKind,
    NegativeRecord,
    Subject,
    TradeLine,
)
from puhui.registry.services.members import subject_for
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def negative_record_report(*, member: Member, subject_kind: str, subject_id: str, kind: str,
                           detail: str, subject_notified_on: date | None,
                           today: date | None = None) -> NegativeRecord:
    """Report a default, confirmed fake information or fraud; the subject must have been told
    first (the registry refuses otherwise); the record expires after the retention period."""
    today = today or business_date_today()
    if kind not in NegativeKind.values:
        raise PuhuiError(RegistryError.NEGATIVE_KIND_UNKNOWN, kind=kind)
    if subject_notified_on is None or subject_notified_on > today:
        raise PuhuiError(RegistryError.SUBJECT_NOT_NOTIFIED)
    policy = rulebook_section(rulebook_in_force(), "credit_information")
    return NegativeRecord.objects.create(
        member=member, subject=subject_for(subject_kind, subject_id), kind=kind, detail=detail,
        subject_notified_on=subject_notified_on, reported_on=today,
        expires_on=_add_years(today, policy.negative_record_retention_years))


@transaction.atomic
def dispute_open(*, subject: Subject, statement: str, negative_record: NegativeRecord | None = None,
                 trade_line: TradeLine | None = None, today: date | None = None,
                 opened_through: Member | None = None) -> Dispute:
    today = today or business_date_today()
    target = negative_record or trade_line
    if target is None or target.subject_id != subject.pk:
        raise PuhuiError(RegistryError.DISPUTE_TARGET_INVALID)
    if not statement.strip():
        raise PuhuiError(RegistryError.DISPUTE_STATEMENT_REQUIRED)
    days = rulebook_section(rulebook_in_force(), "credit_information").dispute_answer_days
    return Dispute.objects.create(subject=subject, member_id=target.member_id,
                                  negative_record=negative_record, trade_line=trade_line,
                                  statement=statement, opened_on=today,
                                  answer_due_on=today + timedelta(days=days),
                                  opened_through=opened_through)


@transaction.atomic
def dispute_answer(*, member: Member, dispute_id: int, upheld: bool, answer: str,
                   today: date | None = None) -> Dispute:
    """The member answers: the record stands (``upheld``) or is withdrawn."""
    dispute = Dispute.objects.select_for_update().filter(pk=dispute_id, member=member).first()
    if dispute is None:
        raise PuhuiError(RegistryError.DISPUTE_NOT_FOUND, dispute=dispute_id)
    if dispute.answered_on is not None:
        raise PuhuiError(RegistryError.DISPUTE_ANSWERED, dispute=dispute_id)
    if not answer.strip():
        raise PuhuiError(RegistryError.DISPUTE_STATEMENT_REQUIRED)
    today = today or business_date_today()
    dispute.answered_on, dispute.answer, dispute.upheld = today, answer, upheld
    dispute.save(update_fields=["answered_on", "answer", "upheld"])
    if not upheld and dispute.negative_record_id:
        NegativeRecord.objects.filter(pk=dispute.negative_record_id).update(withdrawn_on=today)
    return dispute


@transaction.atomic
def disputes_escalate(*, today: date | None = None) -> int:
    """Flag every dispute still unanswered past its deadline; returns how many were escalated."""
    today = today or business_date_today()
    return Dispute.objects.filter(answered_on__isnull=True, escalated_on__isnull=True,
                                  answer_due_on__lt=today).update(escalated_on=today)
