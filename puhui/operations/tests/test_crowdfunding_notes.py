"""A debt campaign's notes become lending's loan at the close of business of its deadline: one
note per backer, the schedule of the campaign's terms, the fee and the payout out of the
campaign's escrow; then the issuer repays through lending, and an unpaid installment is past
due at the next close of business, as any loan's. Figures worked by hand in the comments."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from puhui.crowdfunding.models import Campaign
from puhui.crowdfunding.tests.test_campaign_flow import LAUNCH, pledge, wallet_fen
from puhui.custody.ports import CustodyAccount
from puhui.devtools.campaign_world import backer_new, campaign_online
from puhui.ledger.models import Account
from puhui.ledger.selectors import ledger_verify
from puhui.lending.models import Loan
from puhui.lending.selectors import loan_facts
from puhui.lending.services.repayments import repayment_make
from puhui.operations.close_of_business import close_of_business_run
from puhui.registry.client import trade_line

pytestmark = pytest.mark.django_db


def test_a_funded_debt_campaign_is_a_loan_repaid_and_chased_as_any_other():
    campaign = campaign_online("debt", business_date=LAUNCH, goal=Decimal("1000"),
                               maximum=Decimal("3000"), min_pledge=Decimal("100"),
                               rate_annual=Decimal("0.08"), term_months=12,
                               repayment_method="equal-installment")
    a, b = backer_new(2_000_00, "debt"), backer_new(2_000_00, "debt")
    pledge(campaign, a, "600")
    pledge(campaign, b, "900")
    close_of_business_run(business_date=campaign.deadline)  # the deadline, then the notes
    campaign.refresh_from_db()
    loan = Loan.objects.get(pk=campaign.loan_id)
    assert (loan.principal_fen, loan.value_date) == (1500_00, campaign.deadline)
    assert sorted((n.investor_id, n.principal_fen) for n in loan.notes.all()) == sorted(
        [(a.pk, 600_00), (b.pk, 900_00)])
    # the fee is 5 % of 1,500.00 = 75.00; the issuer is paid 1,425.00; the escrow is empty
    issuer = f"enterprise:{campaign.enterprise_id}"
    assert wallet_fen(issuer, CustodyAccount.BORROWER_WALLET) == 1425_00
    escrow = Account.objects.get(pk=campaign.escrow_account_id)
    assert escrow.credits_posted - escrow.debits_posted == 0
    # equal installments of 1,500 at 8 %/12 a month over 12 months: 1,500 × r / (1 − (1+r)^−12)
    # = 130.4826… → 130.48
    installments = list(loan.installments.order_by("number"))
    first = installments[0]
    assert first.principal_fen + first.interest_fen == 130_48
    assert sum(i.principal_fen for i in installments) == 1500_00
    # the issuer repays the first installment through lending: 600 : 900 to the notes
    before = wallet_fen(a.ledger_owner), wallet_fen(b.ledger_owner)
    repayment_make(user=campaign.enterprise.representative, loan=loan, amount=Decimal("130.48"),
                   repayment_id=uuid.uuid4(), today=first.due_date)
    received = (wallet_fen(a.ledger_owner) - before[0], wallet_fen(b.ledger_owner) - before[1])
    assert sum(received) == 130_48
    # 130.48 × 600/1,500 = 52.192 → 52.19 and × 900/1,500 = 78.288 → 78.29
    assert received == (52_19, 78_29), received
    # the second is not paid: past due at the close of business after its day
    second = installments[1]
    close_of_business_run(business_date=second.due_date + timedelta(days=1))
    second.refresh_from_db()
    assert second.days_past_due >= 1
    assert Campaign.objects.get(pk=campaign.pk).loan_id == loan.pk  # booked once
    # reported to the registry as the issuer's debt notes, past due as the books say
    line = trade_line(loan_facts(loan, as_of=second.due_date + timedelta(days=1)),
                      event="monthly")
    assert (line["product_type"], line["subject_id"]) == ("debt_note", campaign.enterprise.uscc)
    assert line["payment_history"] == "1"  # 1 to 30 days past due
    assert ledger_verify().ok
