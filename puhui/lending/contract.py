"""The loan contract (借款合同) as a PDF: the parties, the terms and the schedule the loan was made
on, written from the loan's records in the reader's language (``core.pdf``: the font, the
styles, the same bytes each time)."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from puhui.core.business_day import business_date_today
from puhui.core.labels import label_of
from puhui.core.money import money_shown, percent_shown
from puhui.core.pdf import BODY, HEADING, SMALL, TITLE, pdf_built, pdf_table
from puhui.lending.models import Installment, Loan, Note
from puhui.parties.models import InvestorProfile
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section


def contract_number(loan: Loan) -> str:
    return f"PH-{loan.value_date:%Y%m%d}-{loan.pk:06d}"


def loan_contract_pdf(loan: Loan) -> bytes:
    """The contract of ``loan`` as PDF bytes, in the active language."""
    loan = (Loan.objects.select_related("listing__application__enterprise",
                                        "listing__application__product")
            .get(pk=loan.pk))
    notes = list(Note.objects.filter(loan=loan).select_related("investor", "bid")
                 .order_by("bid__created_at", "pk"))
    installments = list(loan.installments.order_by("number"))
    story: list[Flowable] = [
        Paragraph(escape(_("Loan contract")), TITLE),
        Paragraph(_("Contract number %(number)s") % {"number": contract_number(loan)}, BODY),
        *_parties(loan, notes), *_terms(loan), *_schedule(loan, installments), *_clauses(loan),
        Spacer(1, 6 * mm),
        Paragraph(_("Written by %(platform)s from the loan's records on %(today)s. The records "
                    "on the platform and at the custodian bank govern; this document copies "
                    "them.") % {"platform": settings.PUHUI_PLATFORM_NAME,
                                "today": _day(business_date_today())}, SMALL),
    ]
    return pdf_built(story, title=_("Loan contract") + " " + contract_number(loan),
                     author=settings.PUHUI_PLATFORM_NAME)


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _lender_name(note: Note, profiles: dict[int, InvestorProfile]) -> str:
    """A lender as the other parties may see them: the name masked after its first letter,
    the identity number masked (as the registry and the pages show it)."""
    profile = profiles.get(note.investor_id)
    if profile is None:
        return _("Investor %(number)s") % {"number": note.investor_id}
    name = profile.full_name[:1] + "*" * max(len(profile.full_name) - 1, 1)
    return f"{name} ({profile.resident_id_masked or profile.uscc})"


def _parties(loan: Loan, notes: list[Note]) -> Iterable[Flowable]:
    enterprise = loan.listing.application.enterprise
    yield Paragraph(_("1. The parties"), HEADING)
    yield pdf_table([
        [_("Borrower"), f"{enterprise.name}"],
        [_("Unified social credit code"), enterprise.uscc],
        [_("Legal representative"), enterprise.legal_rep_name],
        [_("Region"), enterprise.region],
        [_("Platform (information intermediary)"), settings.PUHUI_PLATFORM_NAME],
        [_("Custodian bank"), settings.PUHUI_CUSTODIAN_NAME],
    ], [60, 114], header=False)
    yield Paragraph(_("The lenders, each lending the share below from their own account at the "
                      "custodian bank:"), BODY)
    profiles = {p.user_id: p for p in
                InvestorProfile.objects.filter(user_id__in=[n.investor_id for n in notes])}
    currency = loan.listing.application.product.currency
    rows = [[pgettext("contract", "Lender"), pgettext("contract", "Lent"), _("Share"),
             _("Agreed on")]]
    for note in notes:
        share = Decimal(note.principal_fen * 100) / Decimal(loan.principal_fen)
        rows.append([_lender_name(note, profiles), money_shown(note.principal_fen, currency),
                     f"{share.quantize(Decimal('0.01'))} %",
                     _day(note.bid.created_at.date())])
    rows.append([_("Total"), money_shown(sum(n.principal_fen for n in notes), currency),
                 "100.00 %", ""])
    yield pdf_table(rows, [72, 40, 24, 38], totals=True, numeric_from=1)


def _terms(loan: Loan) -> Iterable[Flowable]:
    application = loan.listing.application
    product = application.product
    collections = rulebook_section(rulebook_in_force(), "collections")
    currency = product.currency
    yield Paragraph(_("2. The loan"), HEADING)
    yield pdf_table([
        [_("Principal"), money_shown(loan.principal_fen, currency)],
        [_("Purpose"), f"{label_of(application.purpose_category)}: "
                       f"{application.purpose_description}"],
        [_("Value date"), _day(loan.value_date)],
        [_("Term"), _("%(months)s months") % {"months": application.term_months}],
        [_("Repayment method"), loan.get_method_display()],
        [_("Annual interest rate"), percent_shown(loan.rate_annual)],
        [_("Upfront fee"), money_shown(loan.upfront_fee_fen, currency)],
        [_("All-in annual cost (APR)"), percent_shown(loan.apr)],
        [_("Penalty interest on overdue amounts"),
         _("%(rate)s of the overdue amount per day") % {
             "rate": percent_shown(product.penalty_rate_daily)}],
        [_("In default after"), _("%(days)s days past due") % {
            "days": collections.default_after_days_past_due}],
        [_("Rulebook"), f"{loan.listing.rulebook_id} {loan.listing.rulebook_version}"],
    ], [60, 114], header=False)


def _schedule(loan: Loan, installments: list[Installment]) -> Iterable[Flowable]:
    yield Paragraph(_("3. The repayment schedule"), HEADING)
    currency = loan.listing.application.product.currency
    rows = [["#", _("Due"), _("Principal"), _("Interest"), _("Fee"), _("Total")]]
    for i in installments:
        rows.append([str(i.number), _day(i.due_date), money_shown(i.principal_fen, currency),
                     money_shown(i.interest_fen, currency), money_shown(i.fee_fen, currency),
                     money_shown(i.principal_fen + i.interest_fen + i.fee_fen, currency)])
    totals = [sum(getattr(i, f"{part}_fen") for i in installments)
              for part in ("principal", "interest", "fee")]
    rows.append(["", _("Total"), *(money_shown(t, currency) for t in totals),
                 money_shown(sum(totals), currency)])
    yield pdf_table(rows, [10, 30, 34, 34, 30, 36], totals=True, numeric_from=2)


def _clauses(loan: Loan) -> Iterable[Flowable]:
    yield Paragraph(_("4. What the parties agree"), HEADING)
    clauses = [
        _("The lenders' money was held by the custodian bank until the listing was funded and "
          "was paid out from there as the loan's page shows; repayments are paid into the "
          "custodian bank and shared among the lenders in proportion to what each lent."),
        _("The borrower repays each installment by its due date. A payment is applied to "
          "penalty interest, fees, interest and principal in the order the product states."),
        _("An amount not paid when due bears the penalty interest above from the day after it "
          "was due; the platform reminds the borrower and the lenders see the loan's status."),
        _("The borrower uses the money only for the purpose above and tells the platform of any "
          "change in its business that affects its ability to repay."),
        _("The borrower consents that the loan, its repayments and any default are reported to "
          "the shared credit registry, where other lending platforms may see them."),
        _("The platform is an information intermediary: it does not lend, does not guarantee "
          "the loan and does not hold the parties' money."),
        _("This contract is governed by the laws of the People's Republic of China; the Chinese "
          "text governs."),
    ]
    for number, clause in enumerate(clauses, start=1):
        yield Paragraph(f"4.{number} {clause}", BODY)
