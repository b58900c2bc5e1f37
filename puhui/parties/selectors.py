"""Reads for parties, with object-level permissions: a borrower sees only its enterprises,
an investor only its own profile; operators and regulators see all."""

from django.db.models import QuerySet

from puhui.core.errors import CoreError, PuhuiError
from puhui.core.pii import pii_decrypt
from puhui.parties.models import (
    AdmittanceReview,
    ApiToken,
    Enterprise,
    InvestorKind,
    InvestorProfile,
    LicenceDocument,
    ReviewStatus,
    Role,
    User,
)
from puhui.parties.services import token_digest

SUPERVISING_ROLES = (Role.OPERATOR, Role.REGULATOR)


def user_for_api_token(*, token: str) -> User | None:
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return found.user if found else None


def enterprises_visible_to(*, user: User) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.select_related("review").order_by("-id")
    if user.role in SUPERVISING_ROLES:
        return enterprises
    if user.role == Role.BORROWER:
        return enterprises.filter(representative=user)
    return enterprises.none()


def enterprise_for(*, user: User, enterprise_id: int) -> Enterprise:
    enterprise = Enterprise.objects.select_related("review").filter(pk=enterprise_id).first()
    if enterprise is None:
        raise PuhuiError(CoreError.NOT_FOUND, what=f"enterprise {enterprise_id}")
    if user.role not in SUPERVISING_ROLES and enterprise.representative_id != user.pk:
        raise PuhuiError(CoreError.PERMISSION_DENIED)
    return enterprise


def licence_document_for(*, user: User, enterprise_id: int,
                         document_id: int) -> LicenceDocument:
    """A licence document, for its enterprise's representative and the supervising roles."""
    enterprise = enterprise_for(user=user, enterprise_id=enterprise_id)
    document = enterprise.documents.filter(pk=document_id).first()
    if document is None:
        raise PuhuiError(CoreError.NOT_FOUND, what=f"document {document_id}")
    return document


def investor_profile_of(*, user: User) -> InvestorProfile | None:
    return InvestorProfile.objects.select_related("review").filter(user=user).first()


def investor_identity(profile: InvestorProfile) -> tuple[str, str]:
    """How the shared registry knows an investor: a person by resident ID, an institution by
    its unified social credit code (kind, identity)."""
    if profile.kind == InvestorKind.INSTITUTION:
        return "enterprise", profile.uscc
    return "person", pii_decrypt(profile.resident_id_encrypted, context="resident_id")


def reviews_open() -> QuerySet[AdmittanceReview]:
    """The operators' queue: waiting for a review or for a decision, oldest first."""
    return (AdmittanceReview.objects.select_related("enterprise", "investor", "reviewer")
            .filter(status__in=[ReviewStatus.SUBMITTED, ReviewStatus.REVIEWED])
            .order_by("created_at"))


def review_for(*, user: User, review_id: int) -> AdmittanceReview:
    if user.role not in SUPERVISING_ROLES:
        raise PuhuiError(CoreError.PERMISSION_DENIED)
    review = (AdmittanceReview.objects.select_related("enterprise", "investor", "reviewer",
                                                      "approver")
              .filter(pk=review_id).first())
    if review is None:
        raise PuhuiError(CoreError.NOT_FOUND, what=f"application {review_id}")
    return review
