"""What the issuer tells backers and what backers ask: updates (to everyone, or to backers
only; every backer is told), comments and questions from backers, the issuer's answers. A form
sent twice posts once (its id)."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from puhui.audit.services import audit_record
from puhui.core.errors import PuhuiError
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import (
    PLEDGE_BACKING,
    Campaign,
    CampaignComment,
    CampaignUpdate,
    Pledge,
)
from puhui.crowdfunding.notices import notices_update
from puhui.parties.models import User


def is_backer(campaign: Campaign, user: User) -> bool:
    return Pledge.objects.filter(campaign=campaign, backer=user, status__in=PLEDGE_BACKING).exists()


def _said(text: str) -> str:
    if not text.strip():
        raise PuhuiError(CrowdfundingError.CAMPAIGN_INVALID, problem=_("write something first"))
    return text.strip()


@transaction.atomic
def update_post(*, issuer: User, campaign: Campaign, title: str, body: str, backers_only: bool,
                request_id: uuid.UUID) -> CampaignUpdate:
    if campaign.enterprise.representative_id != issuer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_CAMPAIGN)
    existing = CampaignUpdate.objects.filter(request_id=request_id).first()
    if existing is not None:
        return existing
    update = CampaignUpdate.objects.create(campaign=campaign, title=_said(title),
                                           body=_said(body), backers_only=backers_only,
                                           request_id=request_id)
    backers = set(Pledge.objects.filter(campaign=campaign, status__in=PLEDGE_BACKING)
                  .values_list("backer_id", flat=True))
    notices_update(campaign, update, backers)
    audit_record(actor=issuer, action="campaign.update_posted", subject=campaign.subject,
                 update=update.pk, backers_only=backers_only)
    return update


@transaction.atomic
def comment_post(*, author: User, campaign: Campaign, body: str,
                 request_id: uuid.UUID) -> CampaignComment:
    """A backer's comment or question (only backers speak on a campaign's page)."""
    if not is_backer(campaign, author):
        raise PuhuiError(CrowdfundingError.BACKERS_ONLY)
    existing = CampaignComment.objects.filter(request_id=request_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            comment = CampaignComment.objects.create(campaign=campaign, author=author,
                                                     body=_said(body), request_id=request_id)
    except IntegrityError:  # the same form sent at once twice
        return CampaignComment.objects.get(request_id=request_id)
    audit_record(actor=author, action="campaign.commented", subject=campaign.subject,
                 comment=comment.pk)
    return comment


@transaction.atomic
def comment_answer(*, issuer: User, comment: CampaignComment, answer: str) -> CampaignComment:
    comment = CampaignComment.objects.select_for_update().select_related(
        "campaign__enterprise").get(pk=comment.pk)
    if comment.campaign.enterprise.representative_id != issuer.pk:
        raise PuhuiError(CrowdfundingError.NOT_YOUR_CAMPAIGN)
    comment.answer, comment.answered_at = _said(answer), timezone.now()
    comment.save(update_fields=["answer", "answered_at"])
    audit_record(actor=issuer, action="campaign.comment_answered",
                 subject=comment.campaign.subject, comment=comment.pk)
    return comment
