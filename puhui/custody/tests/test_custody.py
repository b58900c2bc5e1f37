"""The platform and the simulated custodian bank, each in its own process, over real HTTP."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.core.tests.pages import post_form, request_id_in
from puhui.custody.adapter import HttpCustodian
from puhui.custody.models import SubAccount
from puhui.custody.services import (
    custody_reconcile,
    custody_sync,
    sub_account_for,
    wallet_deposit,
    wallet_withdraw,
)
from puhui.ledger.models import Transfer
from puhui.ledger.selectors import ledger_verify
from puhui.lending.services import bid_place, wallet_for
from puhui.lending.tests.factories import listing_new, operators
from puhui.parties.services import review_decide, review_mark_reviewed
from puhui.parties.tests.factories import investor_new

ROOT = Path(__file__).resolve().parents[3]
SECRET = "test-custodian-secret"
YUAN = 100


@pytest.fixture
def bank_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh bank per test: the platform's database is rolled back after each test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = tmp_path_factory.mktemp("bank") / "custodian.sqlite3"
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "puhui.test_settings"}
    process = subprocess.Popen(
        [sys.executable, "-m", "puhui.cli", "custodian", "serve", "--port", str(port),
         "--db", str(database)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=1)  # noqa: S310 - loopback
        except urllib.error.HTTPError:
            break  # it answers (401: unsigned)
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bank(bank_url: str) -> HttpCustodian:
    return HttpCustodian(bank_url, SECRET)


def admitted_investor():
    maker, checker = operators()
    profile = investor_new()
    review_mark_reviewed(review=profile.review, reviewer=maker, note="ok")
    review_decide(review=profile.review, approver=checker, approve=True, reasons="")
    return profile.user


def custodian_balance(bank: HttpCustodian, number: str) -> int:
    rows = bank.statement(timezone.now().date())
    return next(row["balance_fen"] for row in rows if row["number"] == number)


@pytest.mark.django_db
def test_a_deposit_lands_at_the_bank_and_on_the_ledger(bank):
    investor = admitted_investor()
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    key = uuid.uuid4()
    wallet_deposit(account=wallet, amount_fen=5_000 * YUAN, instruction_id=key, bank=bank)
    wallet_deposit(account=wallet, amount_fen=5_000 * YUAN, instruction_id=key, bank=bank)
    wallet.refresh_from_db()
    assert wallet.balance_posted == 5_000 * YUAN  # a retry is not a second deposit
    assert custodian_balance(bank, sub_account_for(wallet, bank)) == 5_000 * YUAN
    assert custody_reconcile(business_date=timezone.now().date(), bank=bank).ok


@pytest.mark.django_db
def test_a_whole_listing_moves_money_at_the_bank_as_on_the_ledger(bank):
    listing = listing_new(amount="10000")
    for amount in ("6000", "4000"):
        investor = admitted_investor()
        wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
        wallet_deposit(account=wallet, amount_fen=8_000 * YUAN, instruction_id=uuid.uuid4(),
                       bank=bank)
        bid_place(investor=investor, listing=listing, amount=Decimal(amount),
                  bid_id=uuid.uuid4())
    listing.refresh_from_db()
    assert listing.status == "funded"
    assert custody_sync(bank=bank) == 4  # two bids into escrow, disbursement, upfront fee
    result = custody_reconcile(business_date=timezone.now().date(), bank=bank)
    assert result.ok, result.differences
    borrower = SubAccount.objects.get(ledger_account_id=listing.loan.borrower_account_id)
    assert custodian_balance(bank, borrower.number) == 9_900 * YUAN
    assert ledger_verify().ok


@pytest.mark.django_db
def test_an_investor_can_always_withdraw_the_available_balance_and_no_more(bank):
    listing = listing_new(amount="10000")
    investor = admitted_investor()
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    wallet_deposit(account=wallet, amount_fen=3_000 * YUAN, instruction_id=uuid.uuid4(),
                   bank=bank)
    bid_place(investor=investor, listing=listing, amount=Decimal("1000"), bid_id=uuid.uuid4())
    before = Transfer.objects.count()
    with pytest.raises(PuhuiError) as caught:
        wallet_withdraw(account=wallet, amount_fen=2_001 * YUAN, instruction_id=uuid.uuid4(),
                        bank=bank)
    assert caught.value.code == "WITHDRAWAL_EXCEEDS_AVAILABLE"
    assert "2,000.00 CNY" in str(caught.value)
    assert Transfer.objects.count() == before

    wallet_withdraw(account=wallet, amount_fen=2_000 * YUAN, instruction_id=uuid.uuid4(),
                    bank=bank)
    wallet.refresh_from_db()
    assert (wallet.balance_posted, wallet.balance_available) == (1_000 * YUAN, 0)
    assert custodian_balance(bank, sub_account_for(wallet, bank)) == 1_000 * YUAN
    assert custody_reconcile(business_date=timezone.now().date(), bank=bank).ok


@pytest.mark.django_db
def test_reconciliation_records_a_difference(bank):
    investor = admitted_investor()
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    number = sub_account_for(wallet, bank)
    bank.instruct(instruction_id=str(uuid.uuid4()), kind="deposit", amount_fen=123,
                  credit=number)  # money the ledger never heard of
    result = custody_reconcile(business_date=timezone.now().date(), bank=bank)
    assert result.differences == [{"number": number, "ledger_fen": 0, "custodian_fen": 123}]


@pytest.mark.django_db
def test_nothing_moves_when_the_bank_is_down_or_the_request_is_forged(bank_url):
    investor = admitted_investor()
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    down = HttpCustodian("http://127.0.0.1:9", SECRET, timeout_seconds=1)
    with pytest.raises(PuhuiError) as caught:
        wallet_deposit(account=wallet, amount_fen=100, instruction_id=uuid.uuid4(), bank=down)
    assert caught.value.code == "CUSTODIAN_UNAVAILABLE"
    forged = HttpCustodian(bank_url, "not-the-secret")
    with pytest.raises(PuhuiError) as refused:
        wallet_deposit(account=wallet, amount_fen=100, instruction_id=uuid.uuid4(),
                       bank=forged)
    assert refused.value.code == "CUSTODIAN_REFUSED"
    assert "401" in str(refused.value)
    wallet.refresh_from_db()
    assert wallet.credits_posted == 0


@pytest.mark.django_db
def test_the_wallet_page_deposits_and_withdraws_through_the_bank(bank_url, client, settings):
    settings.PUHUI_CUSTODIAN_URL = bank_url
    investor = admitted_investor()
    client.force_login(investor)
    post_form(client, "/wallet/", "/wallet/deposit/", {"amount": "1000"})
    post_form(client, "/wallet/", "/wallet/withdraw/", {"amount": "400"})
    page = client.get("/wallet/").content.decode()
    assert "600.00 CNY" in page
    refused = post_form(client, "/wallet/", "/wallet/withdraw/", {"amount": "601"})
    assert refused.status_code == 400
    assert ("You can withdraw at most your available balance of 600.00 CNY"
            in refused.content.decode())
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    assert custodian_balance(HttpCustodian(bank_url, SECRET),
                             sub_account_for(wallet)) == 600 * YUAN


@pytest.mark.django_db
def test_a_wallet_form_sent_twice_moves_the_money_once(bank_url, client, settings):
    settings.PUHUI_CUSTODIAN_URL = bank_url
    investor = admitted_investor()
    client.force_login(investor)
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    bank = HttpCustodian(bank_url, SECRET)
    page = client.get("/wallet/").content.decode()
    deposit = {"amount": "1000", "request_id": request_id_in(page, "/wallet/deposit/")}
    for _ in range(2):  # a double click
        assert client.post("/wallet/deposit/", deposit).status_code == 302
    wallet.refresh_from_db()
    assert wallet.balance_posted == 1000 * YUAN
    assert custodian_balance(bank, sub_account_for(wallet)) == 1000 * YUAN

    page = client.get("/wallet/").content.decode()
    withdrawal = {"amount": "300", "request_id": request_id_in(page, "/wallet/withdraw/")}
    for _ in range(2):
        assert client.post("/wallet/withdraw/", withdrawal).status_code == 302
    wallet.refresh_from_db()
    assert wallet.balance_posted == 700 * YUAN
    assert custodian_balance(bank, sub_account_for(wallet)) == 700 * YUAN
    transfers = Transfer.objects.count()

    # the same form sent again with another amount (the back button) moves nothing
    changed = client.post("/wallet/withdraw/", withdrawal | {"amount": "200"})
    assert changed.status_code == 400
    assert "already sent with other details (amount)" in changed.content.decode()
    wallet.refresh_from_db()
    assert (wallet.balance_posted, Transfer.objects.count()) == (700 * YUAN, transfers)
    assert custodian_balance(bank, sub_account_for(wallet)) == 700 * YUAN
    # a form without its id is refused: the page was not rendered by us
    stale = client.post("/wallet/deposit/", {"amount": "5"})
    assert stale.status_code == 400
    assert "This form is out of date" in stale.content.decode()
    assert Transfer.objects.count() == transfers


@pytest.mark.django_db
def test_planned_payees_are_paid_out_of_custody_directly(bank):
    from puhui.custody.services import bank_mirror

    listing = listing_new(amount="10000", planned_payees=[
        {"name": "Longjing Tea Cooperative", "amount": Decimal("6000")},
        {"name": "Packaging Co.", "amount": Decimal("1500")}])
    investor = admitted_investor()
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    wallet_deposit(account=wallet, amount_fen=10_000 * YUAN, instruction_id=uuid.uuid4(),
                   bank=bank)
    bid_place(investor=investor, listing=listing, amount=Decimal("10000"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    loan = listing.loan
    # 1 % fee 100.00; payees 6,000 + 1,500 straight from escrow; the borrower gets 2,400.00
    borrower = wallet_for(owner=f"enterprise:{listing.application.enterprise_id}",
                          kind="borrower_wallet")
    assert borrower.balance_posted == 2_400 * YUAN
    assert loan.borrower_account_id == borrower.id
    assert bank_mirror().balance_posted == 10_000 * YUAN - 7_500 * YUAN
    assert custody_sync(bank=bank) == 5  # bid, fee, two payees (withdrawals), disbursement
    assert custody_reconcile(business_date=timezone.now().date(), bank=bank).ok
    assert ledger_verify().ok
