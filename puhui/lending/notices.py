"""What lending tells borrowers and investors (``puhui.notifications``): the kinds, and the
notices each change sends, in its transaction."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from django.utils.translation import gettext_noop as _

from puhui.core.money import money_shown
from puhui.lending.models import Bid, Installment, Listing, Loan, LoanApplication, LoanStatus, Note
from puhui.notifications.kinds import NoticeKind
from puhui.notifications.services import Addressed, notices_send

NOTICE_KINDS = (
    NoticeKind("lending.application_approved", _("Loan application #{application} approved"),
               _("Your application for {amount} was approved; its listing opens to investors "
                 "next."), _("A loan application of yours is approved")),
    NoticeKind("lending.application_declined", _("Loan application #{application} declined"),
               _("Your application for {amount} was not approved: {reasons}"),
               _("A loan application of yours is declined or refused")),
    NoticeKind("lending.listing_funded", _("Listing #{listing} is funded"),
               _("{amount} was lent by {investors} investors; the loan is made and the money "
                 "is in your wallet."), _("Your listing is funded")),
    NoticeKind("lending.listing_failed", _("Listing #{listing} did not raise its amount"),
               _("It raised {raised} of {amount} by its closing day; nothing was lent and the "
                 "investors' money was released."), _("Your listing did not fund")),
    NoticeKind("lending.bid_accepted", _("Your bid on listing #{listing} is lent"),
               _("{amount} is now your note in loan #{loan} at {rate} a year."),
               _("A bid of yours is lent")),
    NoticeKind("lending.bid_released", _("Your bid on listing #{listing} is released"),
               _("The listing did not fund; {amount} is available in your wallet again."),
               _("A bid of yours is released")),
    NoticeKind("lending.repayment_due", _("Loan #{loan}: {amount} is due on {due_date}"),
               _("Installment {number} is due in a few days; keep the amount in your wallet."),
               _("An installment of your loan falls due"), email=False),
    NoticeKind("lending.repayment_late", _("Loan #{loan} is {days} days late"),
               _("Installment {number} was due on {due_date}; {amount} is owed and penalty "
                 "interest accrues daily. Repay from the loan's page."),
               _("An installment of your loan is late"), email=False),
    NoticeKind("lending.repayment_received", _("Loan #{loan} paid you {amount}"),
               _("{principal} of principal and {income} of interest arrived in your wallet."),
               _("A loan you lent to pays you")),
    NoticeKind("lending.loan_default", _("Loan #{loan} is in default"),
               _("It is more than {days} days past due; the platform's collections take over "
                 "and the shared credit registry is told."), _("A loan is in default")),
)


def _loan_link(loan_id: int) -> str:
    return f"/loans/{loan_id}/"


def notices_application_decided(application: LoanApplication) -> None:
    approved = application.status == "approved"
    notices_send(
        "lending.application_approved" if approved else "lending.application_declined",
        [Addressed(application.enterprise.representative, {
            "application": application.pk,
            "amount": money_shown(application.amount_fen, application.product.currency),
            "reasons": application.decision_reasons or "—"},
            key=f"application:{application.pk}:{application.status}",
            link=f"/loans/applications/{application.pk}/")])


def notices_listing_closed(listing: Listing, bids: Sequence[Bid], loan: Loan | None) -> None:
    """The borrower and every bidder hear how the listing ended."""
    currency = listing.application.product.currency
    shown = lambda fen: money_shown(fen, currency)  # noqa: E731
    borrower = listing.application.enterprise.representative
    if loan is not None:
        notices_send("lending.listing_funded", [Addressed(borrower, {
            "listing": listing.pk, "amount": shown(loan.principal_fen),
            "investors": len({bid.investor_id for bid in bids})},
            key=f"listing:{listing.pk}:funded", link=_loan_link(loan.pk))])
        notices_send("lending.bid_accepted", [Addressed(bid.investor, {
            "listing": listing.pk, "loan": loan.pk, "amount": shown(bid.amount_fen),
            "rate": f"{loan.rate_annual * 100:.2f} %"},
            key=f"bid:{bid.pk}:accepted", link=_loan_link(loan.pk)) for bid in bids])
        return
    notices_send("lending.listing_failed", [Addressed(borrower, {
        "listing": listing.pk, "raised": shown(sum(bid.amount_fen for bid in bids)),
        "amount": shown(listing.amount_fen)}, key=f"listing:{listing.pk}:failed",
        link=f"/listings/{listing.pk}/")])
    notices_send("lending.bid_released", [Addressed(bid.investor, {
        "listing": listing.pk, "amount": shown(bid.amount_fen)},
        key=f"bid:{bid.pk}:released", link=f"/listings/{listing.pk}/") for bid in bids])


def notices_repayment(loan: Loan, notes: Sequence[Note], principal: Sequence[int],
                      income: Sequence[int], *, key: str) -> None:
    """Each investor paid by a repayment hears what arrived."""
    currency = loan.listing.application.product.currency
    notices_send("lending.repayment_received", [Addressed(note.investor, {
        "loan": loan.pk, "amount": money_shown(p + i, currency),
        "principal": money_shown(p, currency), "income": money_shown(i, currency)},
        key=f"{key}:note:{note.pk}", link=_loan_link(loan.pk))
        for note, p, i in zip(notes, principal, income, strict=True) if p + i])


def notices_reminder(installment: Installment, *, kind: str, business_date: date) -> None:
    loan = installment.loan
    application = loan.listing.application
    notices_send("lending.repayment_due" if kind == "upcoming" else "lending.repayment_late",
                 [Addressed(application.enterprise.representative, {
                     "loan": loan.pk, "number": installment.number,
                     "due_date": installment.due_date.isoformat(),
                     "days": installment.days_past_due,
                     "amount": money_shown(installment.owed_total_fen,
                                           application.product.currency)},
                     key=f"installment:{installment.pk}:{kind}:{business_date.isoformat()}",
                     link=_loan_link(loan.pk))])


def notices_defaults(loan_ids: Iterable[int], *, days: int) -> int:
    """The borrower and the investors of each loan that went into default; in chunks, as close
    of business can turn many at once (ids only: a day may default a third of the book)."""
    ids, sent = list(loan_ids), 0
    for start in range(0, len(ids), 5000):
        borrowers = dict(Loan.objects.filter(pk__in=ids[start:start + 5000],
                                             status=LoanStatus.DEFAULT)
                         .values_list("pk", "listing__application__enterprise__representative"))
        investors: dict[int, list[int]] = defaultdict(list)
        for loan_id, investor_id in Note.objects.filter(loan_id__in=list(borrowers)).values_list(
                "loan_id", "investor_id"):
            investors[loan_id].append(investor_id)
        sent += notices_send("lending.loan_default", [
            Addressed(person, {"loan": loan_id, "days": days}, key=f"loan:{loan_id}:default",
                      link=_loan_link(loan_id))
            for loan_id, borrower in borrowers.items()
            for person in (borrower, *investors[loan_id])])
    return sent
