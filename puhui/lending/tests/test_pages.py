"""A loan through the pages (Django's client): apply, review by two operators, publish, bid,
fund, repay — as borrower, investor and operators."""

import html
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from puhui.core.tests.pages import post_form
from puhui.ledger.models import NormalBalance
from puhui.ledger.services import NewTransfer, account_create, transfers_create
from puhui.lending.models import ApplicationStatus, Listing, LoanApplication, LoanStatus
from puhui.lending.services import (
    application_decide,
    application_mark_reviewed,
    application_submit,
    bid_place,
    listing_open,
)
from puhui.lending.tests.factories import admitted_enterprise, investor_with_money, product_new
from puhui.parties.models import Role
from puhui.parties.tests.factories import user_new

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_loan_from_application_to_repayment_through_the_pages():
    product = product_new(upfront_fee_rate=Decimal(0))
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    borrower = client_for(enterprise.representative)
    response = post_form(borrower, "/loans/apply/", "", {
        "enterprise": enterprise.pk, "product": product.code, "amount": "2000",
        "term_months": "3", "method": "bullet", "purpose_category": "inventory",
        "purpose_description": "tea"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    application = LoanApplication.objects.get()
    page = borrower.get(response["Location"]).content.decode()
    assert "credit_policy.max_amount_to_annual_revenue" in page  # the checks are shown
    assert 'data-testid="credit-grade"' in page  # and the credit decision, priced by grade
    rate = Decimal(application.credit["rate_annual"])
    # 2,000 for 3 months, bullet: interest 2,000 × rate / 12 × 3, to the fen
    interest = (Decimal(2000) * rate / 4).quantize(Decimal("0.01"))

    maker, checker = client_for(user_new(Role.OPERATOR)), client_for(user_new(Role.OPERATOR))
    path = f"/loans/applications/{application.pk}/"
    maker.post(path + "review/", {"note": "licence matches"})
    refused = maker.post(path + "decision/", {"decision": "approve", "reasons": ""})
    assert refused.status_code == 400
    assert "cannot also approve" in refused.content.decode()
    checker.post(path + "decision/", {"decision": "approve", "reasons": ""})
    checker.post(path + "publish/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.LISTED
    listing = Listing.objects.get()

    investor = client_for(investor_with_money(5_000_00))
    market = investor.get("/marketplace/").content.decode()
    assert enterprise.name in market
    assert f"{rate * 100:.2f} %" in market
    listing_page, bid = f"/listings/{listing.pk}/", f"/listings/{listing.pk}/bid/"
    too_small = post_form(investor, listing_page, bid, {"amount": "50"}).content.decode()
    assert "The minimum bid is 100.00 CNY" in too_small
    post_form(investor, listing_page, bid, {"amount": "2000"})
    listing.refresh_from_db()
    assert listing.status == "funded"
    loan = listing.loan
    assert "2,000.00" in investor.get("/investor/portfolio/").content.decode()

    loan_page = borrower.get(f"/loans/{loan.pk}/").content.decode()
    assert 'data-testid="schedule"' in loan_page
    one_fen_over = 2000 + interest + Decimal("0.01")
    loan_page, repay = f"/loans/{loan.pk}/", f"/loans/{loan.pk}/repay/"
    overpay = post_form(borrower, loan_page, repay,
                        {"amount": str(one_fen_over), "mode": "regular"}).content.decode()
    assert f"At most {2000 + interest:,} CNY can be paid now" in overpay
    assert overpay.count(f"At most {2000 + interest:,} CNY") == 1  # each error shown once
    short = html.unescape(post_form(  # the wallet holds the 2,000.00 lent, no more
        borrower, loan_page, repay, {"amount": f"{2000 + interest}", "mode": "regular"},
    ).content.decode())
    assert (f"This payment takes {2000 + interest:,} CNY, but the wallet's available balance "
            "is 2,000.00 CNY") in short
    assert "bid" not in short.split('data-testid="form-error"')[1].split("</p>")[0]
    zero = post_form(borrower, loan_page, repay, {"amount": "0", "mode": "regular"})
    assert "The amount must be positive." in zero.content.decode()
    assert "can be paid now" not in zero.content.decode()
    bank = account_create(kind="custodian_bank", owner="bank", currency="CNY",
                          normal_balance=NormalBalance.DEBIT)
    transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=bank.id,
                                  credit_account_id=loan.borrower_account_id,
                                  amount=int(interest * 100),
                                  currency="CNY", code="deposit")])
    post_form(borrower, loan_page, repay, {"amount": f"{2000 + interest}", "mode": "regular"})
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    portfolio = investor.get("/investor/portfolio/").content.decode()
    assert f"{interest:,}" in portfolio
    assert 'data-testid="xirr"' in portfolio


def test_default_and_recovery_through_the_operator_pages():
    product = product_new(upfront_fee_rate=Decimal(0))
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    maker, checker = user_new(Role.OPERATOR), user_new(Role.OPERATOR)
    application = application_submit(
        user=enterprise.representative, enterprise=enterprise, product=product,
        amount=Decimal("3000"), term_months=3, method="equal-principal",
        purpose_category="x", purpose_description="x")
    application_mark_reviewed(application=application, reviewer=maker, note="ok")
    application_decide(application=application, approver=checker, approve=True, reasons="")
    listing = listing_open(application=application, operator=checker)
    investor = investor_with_money(5_000_00)
    bid_place(investor=investor, listing=listing, amount=Decimal("3000"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    loan = listing.loan
    first_due = loan.installments.order_by("number").first().due_date

    operator = client_for(checker)
    page = operator.post("/operator/close-of-business/",
                         {"business_date": (first_due + timedelta(days=95)).isoformat()})
    assert "in default" in page.content.decode()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.DEFAULT
    assert f"#{loan.pk}" in operator.get("/operator/overdue/").content.decode()

    post_form(operator, f"/loans/{loan.pk}/", f"/loans/{loan.pk}/recovery/",
              {"amount": "1500"})  # the wallet is used
    loan.refresh_from_db()
    assert loan.collection.recovered_fen == 1_500_00
    operator.post(f"/loans/{loan.pk}/write-off/")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    portfolio = client_for(investor).get("/investor/portfolio/").content.decode()
    assert "1,500.00" in portfolio  # written off


def test_the_apply_form_estimates_the_installments_before_anything_is_submitted():
    product = product_new()  # 9 % a year, 1 % upfront fee, nothing per period
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    borrower = client_for(enterprise.representative)
    page = post_form(borrower, "/loans/apply/", "", {
        "enterprise": enterprise.pk, "product": product.code, "amount": "12000",
        "term_months": "3", "method": "bullet", "purpose_category": "inventory",
        "purpose_description": "tea", "estimate": "1"}).content.decode()
    assert not LoanApplication.objects.exists()  # an estimate submits nothing
    # bullet over 3 months: one installment of 12,000 + 12,000 × 9 % / 12 × 3 = 12,270.00;
    # interest 270.00 and the upfront fee 120.00 cost 390.00 in all
    assert "12,270.00 CNY" in page.split('data-testid="estimate-installment">')[1][:30]
    assert "390.00 CNY" in page.split('data-testid="estimate-cost">')[1][:30]
    apr = page.split('data-testid="estimate-apr">')[1].split(" %")[0]
    assert Decimal(apr) > Decimal("9.00")  # the fee taken up front costs more than the rate


def test_a_borrower_withdraws_an_application_not_yet_listed():
    product = product_new()
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    application = application_submit(
        user=enterprise.representative, enterprise=enterprise, product=product,
        amount=Decimal("2000"), term_months=3, method="bullet", purpose_category="inventory",
        purpose_description="tea")
    borrower = client_for(enterprise.representative)
    path = f"/loans/applications/{application.pk}/"
    assert 'data-testid="withdraw-application"' in borrower.get(path).content.decode()
    stranger = client_for(admitted_enterprise(revenue_wan=Decimal("90")).representative)
    assert stranger.post(path + "withdraw/").status_code in (403, 404)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED  # nothing changed
    for _ in range(2):  # withdrawing again changes nothing
        assert borrower.post(path + "withdraw/").status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    page = borrower.get(path).content.decode()
    assert 'data-testid="withdraw-application"' not in page
    operator = client_for(user_new(Role.OPERATOR))
    assert operator.post(path + "review/", {"note": "x"}).status_code == 400  # out of play


def test_the_loan_page_shows_how_the_money_was_paid_out_and_the_schedule_s_totals():
    from puhui.lending.tests.factories import listing_new

    listing = listing_new(amount="10000", term_months=3, method="equal-principal",
                          planned_payees=[{"name": "Longjing Tea Cooperative",
                                           "amount": Decimal("6000")}])
    bid_place(investor=investor_with_money(20_000_00), listing=listing,
              amount=Decimal("10000"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    page = client_for(listing.application.enterprise.representative).get(
        f"/loans/{listing.loan.pk}/").content.decode()
    paid_out = page.split('data-testid="disbursement"')[1].split("</table>")[0]
    # the 1 % upfront fee (100.00), the supplier paid directly (6,000.00), the rest (3,900.00)
    assert "100.00 CNY" in paid_out
    assert "Longjing Tea Cooperative" in paid_out
    assert "6,000.00 CNY" in paid_out
    assert "3,900.00 CNY" in paid_out
    assert "10,000.00 CNY" in paid_out.split('class="total"')[1]
    total = page.split('data-testid="schedule-total"')[1].split("</tr>")[0]
    assert "10,000.00 CNY" in total  # principal over the three installments


def test_a_window_past_the_holiday_calendar_says_so_in_the_reader_s_language():
    from datetime import date

    from puhui.core.workdays import calendar_years_covered
    from puhui.lending.tests.factories import listing_new

    _first, last = calendar_years_covered()
    listing = listing_new(amount="1000")
    Listing.objects.filter(pk=listing.pk).update(closes_on=date(last + 1, 1, 15),
                                                 calendar_warning="recorded at opening")
    investor = Client(headers={"accept-language": "zh-hans"})
    investor.force_login(user_new(Role.INVESTOR))
    page = investor.get(f"/listings/{listing.pk}/").content.decode()
    assert f"{last + 1} 年仅按周末计算" in page
    assert "weekends" not in page
    plain = listing_new(amount="1000")  # a window the calendar covers says nothing
    Listing.objects.filter(pk=plain.pk).update(closes_on=date(last, 6, 15), calendar_warning="")
    assert 'data-testid="calendar-note"' not in investor.get(
        f"/listings/{plain.pk}/").content.decode()
