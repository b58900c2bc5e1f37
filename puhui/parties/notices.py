"""What admittance tells the people it reviews (``puhui.notifications``)."""

from django.utils.translation import gettext_noop as _

from puhui.notifications.kinds import NoticeKind
from puhui.notifications.services import notice_send
from puhui.parties.models import AdmittanceReview, ReviewStatus

NOTICE_KINDS = (
    NoticeKind("parties.enterprise_admitted", _("{enterprise} is admitted"),
               _("The platform's review approved your enterprise; you can now apply for a loan "
                 "for it."), _("Your enterprise is admitted")),
    NoticeKind("parties.investor_admitted", _("Your identity and risk profile are approved"),
               _("You can now deposit into your wallet and lend."), _("You are admitted to lend")),
    NoticeKind("parties.review_rejected", _("Your admittance review is rejected"),
               _("The platform's review did not approve it: {reasons}"),
               _("Your admittance review is rejected")),
)


def notices_review_decided(review: AdmittanceReview) -> None:
    """The reviewed person hears the outcome (facts hold no personal data)."""
    enterprise, investor = review.enterprise, review.investor
    if enterprise is not None:
        user, link, facts = enterprise.representative, f"/enterprises/{enterprise.pk}/", {
            "enterprise": enterprise.name}
        admitted = "parties.enterprise_admitted"
    else:
        assert investor is not None
        user, link, facts = investor.user, "/investor/", {}
        admitted = "parties.investor_admitted"
    approved = review.status == ReviewStatus.APPROVED
    notice_send(user=user, kind=admitted if approved else "parties.review_rejected",
                facts=facts | {"reasons": review.decision_reasons},
                key=f"review:{review.pk}:{review.status}", link=link)
