"""The loan contract (借款合同) as a PDF: the parties, the terms and the schedule the loan was made
on, written from the loan's records in the reader's language.

The text is set in Adobe's standard Simplified Chinese font STSong-Light, which every PDF reader
supplies (the PDF names it and does not embed it), so Chinese needs no font file in puhui and
the document stays small; Latin letters and digits are in the same font. The document is built
the same way each time (ReportLab's invariant mode): the same loan and language give the same
bytes.
"""

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from puhui.core.business_day import business_date_today
from puhui.core.labels import label_of
from puhui.core.money import money_shown, percent_shown
from puhui.lending.models import Installment, Loan, Note
from puhui.parties.models import InvestorProfile
from puhui.rulebook.selectors import rulebook_in_force, rulebook_section

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14)
_TITLE = ParagraphStyle("title", parent=_BODY, fontSize=16, leading=22, alignment=1)
_HEADING = ParagraphStyle("heading", parent=_BODY, fontSize=11.5, leading=18, spaceBefore=8)
_RIGHT = ParagraphStyle("right", parent=_BODY, alignment=2)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=11, textColor=colors.grey)
_GRID: list[tuple] = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


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
        Paragraph(escape(_("Loan contract")), _TITLE),
        Paragraph(_("Contract number %(number)s") % {"number": contract_number(loan)}, _BODY),
        *_parties(loan, notes), *_terms(loan), *_schedule(loan, installments), *_clauses(loan),
        Spacer(1, 6 * mm),
        Paragraph(_("Written by %(platform)s from the loan's records on %(today)s. The records "
                    "on the platform and at the custodian bank govern; this document copies "
                    "them.") % {"platform": settings.PUHUI_PLATFORM_NAME,
                                "today": _day(business_date_today())}, _SMALL),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, title=_("Loan contract") + " " + contract_number(loan),
        author=settings.PUHUI_PLATFORM_NAME, leftMargin=18 * mm, rightMargin=18 * mm,
        topMargin=16 * mm, bottomMargin=16 * mm)
    document.build(story)
    return buffer.getvalue()


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _table(rows: list[list[str]], widths: list[float], *, header: bool = True,
           totals: bool = False, numeric_from: int | None = None) -> Table:
    """A grid of wrapped cells (text escaped: a name may hold "<" or "&"), numbers right."""
    def cell(text: str, column: int) -> Paragraph:
        numeric = numeric_from is not None and column >= numeric_from
        return Paragraph(escape(text), _RIGHT if numeric else _BODY)

    style = list(_GRID)
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")))
    if totals:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#eef2f6")))
    table = Table([[cell(text, i) for i, text in enumerate(row)] for row in rows],
                  colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
    table.setStyle(TableStyle(style))
    return table


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
    yield Paragraph(_("1. The parties"), _HEADING)
    yield _table([
        [_("Borrower"), f"{enterprise.name}"],
        [_("Unified social credit code"), enterprise.uscc],
        [_("Legal representative"), enterprise.legal_rep_name],
        [_("Region"), enterprise.region],
        [_("Platform (information intermediary)"), settings.PUHUI_PLATFORM_NAME],
        [_("Custodian bank"), settings.PUHUI_CUSTODIAN_NAME],
    ], [60, 114], header=False)
    yield Paragraph(_("The lenders, each lending the share below from their own account at the "
                      "custodian bank:"), _BODY)
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
    yield _table(rows, [72, 40, 24, 38], totals=True, numeric_from=1)


def _terms(loan: Loan) -> Iterable[Flowable]:
    application = loan.listing.application
    product = application.product
    collections = rulebook_section(rulebook_in_force(), "collections")
    currency = product.currency
    yield Paragraph(_("2. The loan"), _HEADING)
    yield _table([
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
    yield Paragraph(_("3. The repayment schedule"), _HEADING)
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
    yield _table(rows, [10, 30, 34, 34, 30, 36], totals=True, numeric_from=2)


def _clauses(loan: Loan) -> Iterable[Flowable]:
    yield Paragraph(_("4. What the parties agree"), _HEADING)
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
        yield Paragraph(f"4.{number} {clause}", _BODY)
