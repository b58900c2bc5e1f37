"""Every lending form that moves money, sent twice with the id its page rendered (a double
click, a re-sent request), has one effect; sent again with other details it is refused and
changes nothing."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from puhui.core.tests.pages import request_id_in
from puhui.ledger.models import Account, NormalBalance, Transfer
from puhui.ledger.services import NewTransfer, account_create, transfers_create
from puhui.lending.models import Bid, BidStatus, LoanApplication, Recovery, Repayment
from puhui.lending.services import bid_place, wallet_for
from puhui.lending.tests.factories import (
    admitted_enterprise,
    investor_with_money,
    listing_new,
    operators,
    product_new,
)
from puhui.operations.close_of_business import close_of_business_run

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sent_twice(client: Client, page: str, action: str, data: dict[str, str]) -> list[int]:
    fields = data | {"request_id": request_id_in(client.get(page).content.decode(), action)}
    return [client.post(action or page, fields).status_code for _ in range(2)]


def deposit(account_id: int, fen: int) -> None:
    bank = account_create(kind="custodian_bank", owner="bank", currency="CNY",
                          normal_balance=NormalBalance.DEBIT)
    transfers_create([NewTransfer(id=uuid.uuid4(), debit_account_id=bank.id,
                                  credit_account_id=account_id, amount=fen, currency="CNY",
                                  code="deposit")])


def funded_loan(amount: str = "3000", **application: object):
    listing = listing_new(amount=amount, **application)
    investor = investor_with_money(int(Decimal(amount)) * 100)
    bid_place(investor=investor, listing=listing, amount=Decimal(amount), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    return listing.loan


def test_a_bid_sent_twice_is_placed_once():
    listing = listing_new(amount="10000")
    investor = investor_with_money(5_000_00)
    client = signed_in(investor)
    page, action = f"/listings/{listing.pk}/", f"/listings/{listing.pk}/bid/"
    fields = {"amount": "1000",
              "request_id": request_id_in(client.get(page).content.decode(), action)}
    assert [client.post(action, fields).status_code for _ in range(2)] == [302, 302]
    [bid] = Bid.objects.filter(investor=investor)
    assert (bid.amount_fen, str(bid.pk)) == (1_000_00, fields["request_id"])
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    assert wallet.balance_available == 4_000_00  # 5,000.00 less one bid of 1,000.00
    transfers = Transfer.objects.count()

    changed = client.post(action, fields | {"amount": "2000"})
    assert changed.status_code == 400
    assert "already sent with other details (amount)" in changed.content.decode()
    assert Bid.objects.filter(investor=investor).count() == 1
    assert Transfer.objects.count() == transfers


def test_a_bid_cancelled_twice_is_cancelled_once():
    listing = listing_new(amount="10000")
    investor = investor_with_money(5_000_00)
    bid = bid_place(investor=investor, listing=listing, amount=Decimal("1000"),
                    bid_id=uuid.uuid4())
    client = signed_in(investor)
    transfers = Transfer.objects.count()
    for _ in range(2):
        assert client.post(f"/bids/{bid.pk}/cancel/").status_code == 302
    bid.refresh_from_db()
    assert bid.status == BidStatus.CANCELLED
    assert Transfer.objects.count() == transfers + 2  # one void of each of the pair
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    assert wallet.balance_available == 5_000_00


def test_a_repayment_sent_twice_is_paid_once():
    loan = funded_loan(term_months=3, method="bullet")
    deposit(loan.borrower_account_id, 100_00)
    client = signed_in(loan.listing.application.enterprise.representative)
    statuses = sent_twice(client, f"/loans/{loan.pk}/", f"/loans/{loan.pk}/repay/",
                          {"amount": "50", "mode": "regular"})
    assert statuses == [302, 302]
    [repayment] = Repayment.objects.filter(loan=loan)
    assert repayment.amount_fen == 50_00
    borrower = Account.objects.get(pk=loan.borrower_account_id)
    # 3,000.00 disbursed less the 1 % upfront fee, plus the 100.00 deposited, less one 50.00
    assert borrower.balance_posted == 2_970_00 + 100_00 - 50_00


def test_a_partial_prepayment_sent_twice_is_prepaid_once():
    loan = funded_loan(term_months=6, method="equal-principal")
    deposit(loan.borrower_account_id, 100_00)
    client = signed_in(loan.listing.application.enterprise.representative)
    statuses = sent_twice(client, f"/loans/{loan.pk}/", f"/loans/{loan.pk}/repay/",
                          {"amount": "1000", "mode": "shorten"})
    assert statuses == [302, 302]
    [prepayment] = Repayment.objects.filter(loan=loan)
    # 1,000.00 of principal; the test product charges no prepayment fee
    assert (prepayment.kind, prepayment.amount_fen) == ("prepay_shorten", 1_000_00)
    assert sum(i.principal_paid_fen for i in loan.installments.all()) == 1_000_00


def test_a_recovery_sent_twice_is_recorded_once():
    loan = funded_loan(term_months=3, method="equal-principal")
    first_due = loan.installments.order_by("number").first().due_date
    close_of_business_run(business_date=first_due + timedelta(days=95))
    client = signed_in(operators()[0])
    statuses = sent_twice(client, f"/loans/{loan.pk}/", f"/loans/{loan.pk}/recovery/",
                          {"amount": "1500"})
    assert statuses == [302, 302]
    loan.refresh_from_db()
    assert loan.collection.recovered_fen == 1_500_00
    assert Recovery.objects.filter(case=loan.collection).count() == 1
    assert sum(note.principal_received_fen for note in loan.notes.all()) == 1_500_00


def test_an_application_sent_twice_is_made_once():
    product = product_new()
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    client = signed_in(enterprise.representative)
    statuses = sent_twice(client, "/loans/apply/", "", {
        "enterprise": str(enterprise.pk), "product": product.code, "amount": "2000",
        "term_months": "3", "method": "bullet", "purpose_category": "inventory",
        "purpose_description": "tea"})
    assert statuses == [302, 302]
    assert LoanApplication.objects.filter(enterprise=enterprise).count() == 1
