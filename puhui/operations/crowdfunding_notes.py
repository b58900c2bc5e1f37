"""A funded debt campaign's notes become a lending loan (an application-layer use-case: it
spans crowdfunding and lending): one note per backer for what the ledger collected, the
schedule of the campaign's rate, term and method, disbursed out of the campaign's escrow with
the platform's fee, then repaid, chased and reported to the registry as every loan is.

Runs at close of business right after the campaigns' deadlines, so a campaign funded today is
a loan today. The loans are made under one product per currency, ``crowdfunding-notes-…``,
opened on first use from the rulebook (the crowdfunding fee, the debt kind's risk level, the
per-platform cap and the longest note), a payment going to lending's usual order."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from puhui.core.business_day import DailyStep, Partition
from puhui.core.money import money_to_minor
from puhui.crowdfunding.models import Campaign
from puhui.crowdfunding.selectors import debt_campaigns_to_lend, pledges_collected
from puhui.crowdfunding.services import campaign_loan_record, crowdfunding_rules
from puhui.lending.models import LoanProduct, RepaymentMethod
from puhui.lending.services import RaisedLoan, RaisedShare, loan_from_raise, product_create
from puhui.lending.services.repayments import PARTS
from puhui.rulebook.selectors import rulebook_in_force


def notes_product(currency: str) -> LoanProduct:
    code = f"crowdfunding-notes-{currency.lower()}"
    product = LoanProduct.objects.filter(code=code).first()
    if product is not None:
        return product
    rules, book = crowdfunding_rules(), rulebook_in_force()
    cap = (money_to_minor(book.borrowing_caps.legal_person.per_platform, currency)
           if book.borrowing_caps else 10**15)
    return product_create(
        code=code, name_en="Crowdfunding notes", name_zh="众筹债权", currency=currency,
        amount_min_fen=1, amount_max_fen=cap,
        terms_months=list(range(1, rules.note_max_term_months + 1)),
        methods=list(RepaymentMethod.values), rate_annual=Decimal(0),
        upfront_fee_rate=rules.platform_fee_rate, min_ticket_fen=1, ticket_multiple_fen=1,
        per_investor_cap_fen=cap, risk_level=rules.kinds.debt.product_risk,
        allocation_order=list(PARTS), active=False)


@transaction.atomic
def campaign_notes_lend(campaign: Campaign, *, value_date: date) -> int:
    """The campaign's notes as a lending loan valued on ``value_date`` (the deadline's close of
    business); returns the loan's id."""
    loan = loan_from_raise(RaisedLoan(
        reference=campaign.subject, enterprise_id=campaign.enterprise_id,
        product=notes_product(campaign.currency),
        rate_annual=campaign.rate_annual or Decimal(0),
        term_months=campaign.term_months or 1, method=campaign.repayment_method,
        value_date=value_date,
        escrow_account_id=campaign.escrow_account_id or 0,
        purpose=f"{campaign.title}: {campaign.use_of_funds}",
        reviewer_id=campaign.reviewer_id, approver_id=campaign.approver_id,
        shares=tuple(RaisedShare(p.pk, p.backer_id, p.allocated_fen or p.amount_fen)
                     for p in pledges_collected(campaign))))
    campaign_loan_record(campaign=campaign, loan_id=loan.pk)
    return loan.pk


@dataclass(frozen=True)
class NotesLent:
    loans: int
    problem: str = ""

    def summary(self) -> str:
        return _("Debt campaigns made into loans: {loans}.").format(loans=self.loans)


def debt_campaigns_lend(business_date: date, partition: Partition) -> NotesLent:
    lent = 0
    for campaign in debt_campaigns_to_lend().filter(deadline__lte=business_date).order_by("pk"):
        campaign_notes_lend(campaign, value_date=business_date)
        lent += 1
    return NotesLent(lent)


DAILY_STEPS = (
    DailyStep("operations.crowdfunding_notes", 252, debt_campaigns_lend, every_partition=False),
)
