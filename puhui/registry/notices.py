"""What the platform's side of the registry tells a subject (``puhui.notifications``)."""

from django.utils.translation import gettext_noop as _

from puhui.lending.ports import ApplicationFacts
from puhui.notifications.kinds import NoticeKind
from puhui.notifications.services import notice_send
from puhui.parties.models import Enterprise

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
