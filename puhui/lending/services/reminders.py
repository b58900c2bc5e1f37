"""Delivering the reminders close of business queues: an e-mail to the borrower's
representative in English and Chinese, and always a line on the loan's page.

``reminders_send`` takes what is queued, oldest first, and marks each one sent in the
transaction that sent it; a mail server that refuses or cannot be reached stops the run with
nothing marked, so the next run (after ``puhui cob``, or ``puhui reminders``) sends it again.
A borrower without an e-mail address sees the reminder on the platform only (``emailed`` false);
a reminder for an installment paid in the meantime is dropped.
"""

import smtplib
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from puhui.core.money import money_shown
from puhui.lending.models import Installment, Reminder
from puhui.lending.notices import notices_reminder


@dataclass(frozen=True)
class RemindersSent:
    emailed: int
    on_the_platform_only: int
    failed: str = ""  # why the mail server stopped the run; empty when it did not

    def __str__(self) -> str:
        return (f"{self.emailed} e-mailed, {self.on_the_platform_only} on the platform only "
                "(no e-mail address)")

    @property
    def problem(self) -> str:
        if not self.failed:
            return ""
        return _("The mail server stopped the reminders ({failed}); the rest go out with the "
                 "next close of business or `puhui reminders`.").format(failed=self.failed)

    def summary(self) -> str:
        return _("Reminders: {emailed} e-mailed, {shown} on the loan's page only (no e-mail "
                 "address).").format(emailed=self.emailed, shown=self.on_the_platform_only)


def reminder_mail(reminder: Reminder) -> EmailMessage | None:
    """The reminder as an e-mail to the borrower's representative, or None without an
    address."""
    installment: Installment = reminder.installment
    loan = installment.loan
    application = loan.listing.application
    borrower = application.enterprise.representative
    if not borrower.email:
        return None
    currency = application.product.currency
    context = {
        "reminder": reminder, "installment": installment, "loan": loan,
        "enterprise": application.enterprise.name,
        "owed": money_shown(installment.owed_total_fen, currency),
        "penalty": money_shown(installment.owed("penalty"), currency),
    }
    subject = render_to_string("lending/email/reminder_subject.txt", context).strip()
    body = render_to_string("lending/email/reminder.txt", context)
    return EmailMessage(subject=subject, body=body, to=[borrower.email])


def reminders_send(*, batch: int = 500) -> RemindersSent:
    """Send what close of business queued; see the module's docstring."""
    emailed = platform_only = 0
    connection = get_connection()
    queued = (Reminder.objects.filter(sent_at__isnull=True)
              .select_related("installment__loan__listing__application__product",
                              "installment__loan__listing__application__enterprise"
                              "__representative")
              .order_by("pk"))
    for reminder in queued[:batch]:
        if reminder.installment.settled:  # paid after close of business queued it
            Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).delete()
            continue
        mail = reminder_mail(reminder)
        try:
            with transaction.atomic():
                locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
                if locked.sent_at is not None:  # another run sent it meanwhile
                    continue
                notices_reminder(reminder.installment, kind=reminder.kind,
                                 business_date=reminder.business_date)
                if mail is not None:
                    connection.send_messages([mail])
                locked.sent_at, locked.emailed = timezone.now(), mail is not None
                locked.save(update_fields=["sent_at", "emailed"])
        except (smtplib.SMTPException, OSError) as error:
            return RemindersSent(emailed, platform_only, failed=str(error) or type(error).__name__)
        if mail is None:
            platform_only += 1
        else:
            emailed += 1
    return RemindersSent(emailed, platform_only)
