"""The loan contract as a PDF: what it says, read back out of the PDF, in both languages, and
who may download it."""

import io
import re
import uuid
from decimal import Decimal

import pypdf
import pytest
from django.test import Client

from puhui.audit.models import AuditEvent
from puhui.lending.services import bid_place
from puhui.lending.tests.factories import investor_with_money, listing_new
from puhui.parties.models import Role
from puhui.parties.tests.factories import user_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan():
    """3,000 CNY over 3 months, equal principal at 9 %, lent 1,000 by 王小明 and 2,000 by
    another investor; the product charges 1 % upfront and 0.05 % a day on overdue amounts."""
    listing = listing_new(amount="3000", term_months=3, method="equal-principal",
                          purpose_description="茶叶 & <春季> stock")
    for fen, name in ((1_000_00, "王小明"), (2_000_00, "Li Lei")):
        bid_place(investor=investor_with_money(fen, full_name=name), listing=listing,
                  amount=Decimal(fen) / 100, bid_id=uuid.uuid4())
    listing.refresh_from_db()
    return listing.loan


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _client(user, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def test_the_contract_says_who_lent_what_on_which_terms(loan):
    borrower = loan.listing.application.enterprise.representative
    text = _text(_client(borrower, "en").get(f"/loans/{loan.pk}/contract/"))
    assert "Loan contract" in text
    assert f"PH-{loan.value_date:%Y%m%d}-{loan.pk:06d}" in text
    assert loan.listing.application.enterprise.uscc in text
    # the lenders, masked after the first letter, with their shares
    assert "王** (" in text
    assert "L***** (" in text
    assert "王小明" not in text
    assert "Li Lei" not in text
    assert "1,000.00 CNY 33.33 %" in text
    assert "2,000.00 CNY 66.67 %" in text
    assert "茶叶 & <春季> stock" in text  # the purpose, escaped for the PDF, read back whole
    assert "9.00 %" in text  # the annual rate
    assert "30.00 CNY" in text  # the 1 % upfront fee
    assert "0.05 % of the overdue amount per day" in text
    assert "90 days past due" in text  # cn-2016's default threshold
    # the schedule: 1,000.00 of principal a month, 0.75 % a month on what is still owed
    for interest in ("22.50", "15.00", "7.50"):
        assert f"1,000.00 CNY {interest} CNY 0.00 CNY" in text
    assert "Total 3,000.00 CNY 45.00 CNY 0.00 CNY 3,045.00 CNY" in text


def test_the_contract_reads_in_chinese(loan):
    borrower = loan.listing.application.enterprise.representative
    text = _text(_client(borrower, "zh-hans").get(f"/loans/{loan.pk}/contract/"))
    assert "借款合同" in text
    assert "借款人" in text
    assert "出借人 出借金额 份额 确认日期" in text  # the lenders' table
    assert "还款计划" in text
    assert "3,045.00 CNY" in text


def test_lenders_operators_and_the_regulator_may_download_it_others_may_not(loan):
    lender = loan.notes.first().investor
    for user in (lender, user_new(Role.OPERATOR), user_new(Role.REGULATOR)):
        assert _client(user, "en").get(f"/loans/{loan.pk}/contract/").status_code == 200
    before = AuditEvent.objects.filter(action="loan.contract_downloaded").count()
    assert before == 3  # each download audited
    for stranger in (user_new(Role.INVESTOR), user_new(Role.BORROWER)):
        assert _client(stranger, "en").get(f"/loans/{loan.pk}/contract/").status_code == 403
    assert AuditEvent.objects.filter(action="loan.contract_downloaded").count() == before
    assert Client().get(f"/loans/{loan.pk}/contract/").status_code == 302  # sign in first


def test_the_same_loan_gives_the_same_document(loan):
    borrower = loan.listing.application.enterprise.representative
    first = _client(borrower, "en").get(f"/loans/{loan.pk}/contract/").content
    assert _client(borrower, "en").get(f"/loans/{loan.pk}/contract/").content == first
