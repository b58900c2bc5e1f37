"""Reports asked for by members and by subjects themselves: every request is logged as an
inquiry, allowed or not, and a subject may dispute what it shows."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.registry.errors import RegistryError
from puhui.registry.models import (
    HARD_INQUIRY_PURPOSES,
    Dispute,
    Inquiry,
    Member,
    NegativeRecord,
    Purpose,
    TradeLine,
)
from puhui.registry.ports import RegistryReport, SubjectReport
from puhui.registry.selectors import dispute_shown, report_build
from puhui.registry.services.members import consent_valid, subject_find
from puhui.registry.services.records import dispute_open
from puhui.rulebook.selectors import rulebook_in_force


def report_request(*, member: Member, subject_kind: str, subject_id: str, purpose: str,
                   consent_id: str, now: datetime | None = None) -> RegistryReport:
    """The report, if the subject consented; every request is logged as an inquiry first (in
    its own savepoint, so a refusal is logged too)."""
    now = now or timezone.now()
    subject = subject_find(subject_kind, subject_id)
    consent = consent_valid(member=member, subject=subject, purpose=purpose,
                             consent_id=consent_id, now=now)
    with transaction.atomic():
        Inquiry.objects.create(member=member, subject=subject, purpose=purpose, consent=consent,
                               allowed=consent is not None,
                               reason="" if consent else "no valid consent")
    if consent is None or subject is None:
        raise PuhuiError(RegistryError.CONSENT_REQUIRED)
    return report_build(subject=subject, member=member, today=now.date(),
                        rulebook=rulebook_in_force(), purpose=purpose)


def subject_request(*, member: Member, subject_kind: str, subject_id: str, consent_id: str,
                    now: datetime | None = None) -> SubjectReport:
    """The subject's own view, through the member the subject signed in to: the report, and
    who looked (member names shown: it is the subject asking) with purpose and time."""
    report = report_request(member=member, subject_kind=subject_kind, subject_id=subject_id,
                            purpose=Purpose.SUBJECT_REQUEST, consent_id=consent_id, now=now)
    subject = subject_find(subject_kind, subject_id)
    assert subject is not None  # report_request found it
    who_looked = [
        {"member": inquiry.member.name, "purpose": inquiry.purpose, "allowed": inquiry.allowed,
         "at": inquiry.at.isoformat(timespec="seconds"),
         "seen_by_lenders": inquiry.allowed and inquiry.purpose in HARD_INQUIRY_PURPOSES}
        for inquiry in subject.inquiries.select_related("member").order_by("-at")[:100]]
    disputes = [dispute_shown(d) for d in subject.disputes.order_by("-opened_on", "-pk")]
    return SubjectReport.model_validate(report.model_dump() | {"who_looked": who_looked,
                                                                "disputes": disputes})


def subject_dispute(*, member: Member, subject_kind: str, subject_id: str, consent_id: str,
                    statement: str, trade_line_id: int | None = None,
                    negative_record_id: int | None = None) -> Dispute:
    """A subject disputes one of their records through the member they signed in to."""
    now = timezone.now()
    subject = subject_find(subject_kind, subject_id)
    consent = consent_valid(member=member, subject=subject, purpose=Purpose.SUBJECT_REQUEST,
                             consent_id=consent_id, now=now)
    if consent is None or subject is None:
        raise PuhuiError(RegistryError.CONSENT_REQUIRED)
    return dispute_open(
        subject=subject, statement=statement, opened_through=member,
        trade_line=TradeLine.objects.filter(pk=trade_line_id).first()
        if trade_line_id else None,
        negative_record=NegativeRecord.objects.filter(pk=negative_record_id).first()
        if negative_record_id else None)
