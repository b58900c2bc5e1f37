"""What the platform's side of the registry tells a subject (``puhui.notifications``): a
consent used for an inquiry, and the outcome of a dispute (registry.following)."""

from django.utils.translation import gettext_noop as _

from puhui.lending.ports import ApplicationFacts
from puhui.notifications.kinds import NoticeKind
from puhui.notifications.services import notice_send
from puhui.parties.models import Enterprise, User
from puhui.registry.ports import DisputeShown

NOTICE_KINDS = (
    NoticeKind("registry.consent_used", _("Your credit report was asked for"),
               _("With the consent you gave when applying, this platform asked the shared "
                 "credit registry for {enterprise}'s report, for loan application "
                 "#{application}. Every inquiry is listed in your credit report."),
               _("Your consent is used for a credit inquiry"), email=False),
)


def notice_consent_used(application: ApplicationFacts) -> None:
    enterprise = Enterprise.objects.select_related("representative").get(
        pk=application.enterprise_id)
    number = application.subject.rsplit(":", 1)[-1]
    notice_send(user=enterprise.representative, kind="registry.consent_used",
                facts={"enterprise": enterprise.name, "application": number},
                key=f"{application.subject}:inquiry", link="/borrower/credit-report/")


DISPUTE_KINDS = (
    NoticeKind("registry.dispute_upheld", _("Your dispute #{dispute} is answered: the record "
                                            "stands"),
               _("The lender whose record you disputed answered: “{answer}”. The record stays "
                 "in your credit report as it was. If you still disagree, you may raise it "
                 "with the registry."),
               _("A dispute at the credit registry is answered")),
    NoticeKind("registry.dispute_withdrawn", _("Your dispute #{dispute} is answered: the "
                                               "record is withdrawn"),
               _("The lender whose record you disputed answered: “{answer}”. The record is "
                 "withdrawn from your credit report."),
               _("A dispute at the credit registry is answered")),
    NoticeKind("registry.dispute_escalated", _("Your dispute #{dispute} is late"),
               _("The lender whose record you disputed has not answered by {due}. The registry "
                 "has escalated the dispute to its administrators."),
               _("A dispute at the credit registry is late")),
)


def notice_dispute_answered(user: User, dispute: DisputeShown) -> None:
    kind = "registry.dispute_upheld" if dispute.upheld else "registry.dispute_withdrawn"
    notice_send(user=user, kind=kind, facts={"dispute": dispute.id, "answer": dispute.answer},
                key=f"registry-dispute:{dispute.id}:answered", link="/borrower/credit-report/")


def notice_dispute_escalated(user: User, dispute: DisputeShown) -> None:
    notice_send(user=user, kind="registry.dispute_escalated",
                facts={"dispute": dispute.id, "due": dispute.answer_due_on.isoformat()},
                key=f"registry-dispute:{dispute.id}:escalated", link="/borrower/credit-report/")
