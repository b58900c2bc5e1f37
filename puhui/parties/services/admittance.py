"""Admittance review, maker-checker: one operator marks an application reviewed, another
approves or rejects it (never the same one); each step appends an audit event."""

from django.db import transaction
from django.utils import timezone

from puhui.audit.services import audit_record
from puhui.core.errors import CoreError, PuhuiError
from puhui.parties.errors import PartiesError
from puhui.parties.models import (
    REVIEW_MOVES,
    AdmittanceReview,
    OperatorDuty,
    ReviewStatus,
    User,
)
from puhui.parties.notices import notices_review_decided
from puhui.parties.services.users import require_duty


def _review_locked(review_id: int) -> AdmittanceReview:
    return (AdmittanceReview.objects.select_for_update(of=("self",))
            .select_related("enterprise", "investor").get(pk=review_id))


@transaction.atomic
def review_mark_reviewed(*, review: AdmittanceReview, reviewer: User,
                         note: str) -> AdmittanceReview:
    """The maker: an operator checks the application and passes it on for a decision."""
    require_duty(reviewer, OperatorDuty.REVIEWER)
    review = _review_locked(review.pk)
    REVIEW_MOVES.require(review.status, ReviewStatus.REVIEWED,
                         error=CoreError.APPLICATION_NOT_IN_STATE, action="reviewed")
    review.status = ReviewStatus.REVIEWED
    review.reviewer = reviewer
    review.review_note = note
    review.reviewed_at = timezone.now()
    review.save(update_fields=["status", "reviewer", "review_note", "reviewed_at"])
    _subject_status(review, ReviewStatus.REVIEWED)
    audit_record(actor=reviewer, action="admittance.reviewed", subject=review.subject, note=note)
    return review


@transaction.atomic
def review_decide(*, review: AdmittanceReview, approver: User, approve: bool,
                  reasons: str) -> AdmittanceReview:
    """The checker: a different operator approves or rejects, with reasons."""
    require_duty(approver, OperatorDuty.APPROVER)
    review = _review_locked(review.pk)
    REVIEW_MOVES.require(review.status,
                         ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
                         error=CoreError.APPLICATION_NOT_IN_STATE, action="decided")
    checker_may_decide(maker_id=review.reviewer_id, checker=approver, approve=approve,
                       reasons=reasons)
    review_close(review, status=ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
                  approver=approver, reasons=reasons)
    return review


def checker_may_decide(*, maker_id: int | None, checker: User, approve: bool,
                       reasons: str) -> None:
    """The four-eyes rule of every maker-checker review (admittance here, loan applications in
    lending): the checker is not the maker, and a rejection says why."""
    if maker_id == checker.pk:
        raise PuhuiError(PartiesError.SAME_OPERATOR_CANNOT_APPROVE)
    if not approve and not reasons.strip():
        raise PuhuiError(PartiesError.REASONS_REQUIRED)


def review_close(review: AdmittanceReview, *, status: ReviewStatus, approver: User | None,
                  reasons: str) -> None:
    review.status = status
    review.approver = approver
    review.decision_reasons = reasons
    review.decided_at = timezone.now()
    review.save(update_fields=["status", "approver", "decision_reasons", "decided_at"])
    _subject_status(review, status)
    notices_review_decided(review)
    audit_record(actor=approver, action=f"admittance.{status}", subject=review.subject,
                 reasons=reasons)


def _subject_status(review: AdmittanceReview, status: ReviewStatus) -> None:
    subject = review.enterprise or review.investor
    assert subject is not None
    subject.status = status
    subject.save(update_fields=["status"])
