"""Lists people can use: sort by a column, filter, page, and export the same rows as CSV."""

import csv
import io
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from puhui.core.money import money_from_minor
from puhui.lending.services import bid_place
from puhui.lending.services.repayments import repayment_make
from puhui.lending.tests.factories import investor_with_money, listing_new, product_new
from puhui.parties.models import Role
from puhui.parties.tests.factories import user_new

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def market():
    product = product_new()
    for amount in ("1000", "3000", "2000"):
        listing_new(product=product, amount=amount)
    client = Client()
    client.force_login(user_new(Role.INVESTOR))
    return client


def test_the_marketplace_sorts_by_a_column_and_exports_what_it_shows(market):
    descending = market.get("/marketplace/", {"sort": "-amount"}).content.decode()
    order = [descending.index(f"{n},000.00 CNY") for n in (3, 2, 1)]
    assert order == sorted(order)
    assert 'aria-sort="descending"' in descending
    exported = _rows(market.get("/marketplace/", {"sort": "amount", "format": "csv"}))
    assert exported[0][:2] == ["Borrower", "Amount"]
    assert [row[1] for row in exported[1:]] == ["1,000.00 CNY", "2,000.00 CNY",
                                               "3,000.00 CNY"]


def test_the_marketplace_filters_and_shows_past_listings(market):
    assert market.get("/marketplace/", {"min_rate": "50"}).status_code == 200  # out of range
    none = market.get("/marketplace/", {"min_rate": "30"}).content.decode()
    assert "No listing matches." in none  # the demo product lends at 9 %
    nine = market.get("/marketplace/", {"min_rate": "9"}).content.decode()
    assert nine.count('data-testid="listing-') == 3
    past = market.get("/marketplace/", {"status": "funded"}).content.decode()
    assert "No listing matches." in past


def test_pages_of_a_long_list(market):
    product = product_new()
    for _ in range(25):
        listing_new(product=product, amount="1000")
    first = market.get("/marketplace/").content.decode()
    assert first.count('data-testid="listing-') == 25
    assert 'data-testid="next-page"' in first
    second = market.get("/marketplace/", {"page": "2"}).content.decode()
    assert second.count('data-testid="listing-') == 3
    assert len(_rows(market.get("/marketplace/", {"format": "csv"}))) == 29  # header + 28


def test_the_marketplace_reads_what_each_listing_raised_in_the_same_query(market):
    def queries(params: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = market.get("/marketplace/", params)
            if params.get("format") == "csv":
                b"".join(response.streaming_content)
        return len(captured)

    few = queries({}), queries({"format": "csv"})
    product = product_new()
    for _ in range(10):
        listing_new(product=product, amount="1000")
    assert (queries({}), queries({"format": "csv"})) == few  # not one more per row
    lent = listing_new(product=product, amount="5000")
    bid_place(investor=investor_with_money(5_000_00), listing=lent, amount=Decimal("1200"),
              bid_id=uuid.uuid4())
    rows = _rows(market.get("/marketplace/", {"sort": "-raised", "format": "csv"}))
    assert rows[1][1] == "5,000.00 CNY"
    assert rows[1][rows[0].index("Raised")] == "1,200.00 CNY"  # the one bid, held in escrow
    assert {row[rows[0].index("Raised")] for row in rows[2:]} == {"0.00 CNY"}


def test_operators_list_applications_by_status_and_export_them():
    listing_new(amount="1000")
    operator = Client()
    operator.force_login(user_new(Role.OPERATOR))
    queue = operator.get("/loans/applications/").content.decode()
    assert "None yet." in queue  # the listed application waits for nobody
    listed = operator.get("/loans/applications/", {"status": "listed"}).content.decode()
    assert "1,000.00 CNY" in listed
    rows = _rows(operator.get("/loans/applications/", {"status": "all", "format": "csv"}))
    assert rows[1][2] == "1,000.00 CNY"
    assert rows[1][4] == "Listed for investors"


def test_a_csv_cell_that_looks_like_a_formula_is_written_as_text():
    from puhui.core.lists import _cell

    assert _cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _cell("-12.50") == "-12.50"
    assert _cell(Decimal("1.10")) == "1.10"


def test_the_wallet_statement_pages_and_exports_every_movement():
    from puhui.lending.tests.factories import investor_with_money

    investor = investor_with_money(5_000_00)
    client = Client()
    client.force_login(investor)
    page = client.get("/wallet/statement/").content.decode()
    assert "5,000.00 CNY" in page
    rows = _rows(client.get("/wallet/statement/", {"format": "csv"}))
    assert rows[0][:3] == ["Time", "Reason", "Status"]
    assert [row[1:6] for row in rows[1:]] == [["Deposit", "Posted", "0.00", "5000.00",
                                              "5000.00"]]


def test_the_review_queue_filters_by_kind_and_exports():
    from puhui.parties.tests.factories import enterprise_new, investor_new

    enterprise_new(name="Filter Test Tea Ltd")
    investor_new()
    operator = Client()
    operator.force_login(user_new(Role.OPERATOR))
    everyone = operator.get("/operator/reviews/").content.decode()
    assert everyone.count('data-testid="review-') == 2
    enterprises = operator.get("/operator/reviews/", {"kind": "enterprise"}).content.decode()
    assert enterprises.count('data-testid="review-') == 1
    assert "Filter Test Tea Ltd" in enterprises
    rows = _rows(operator.get("/operator/reviews/", {"kind": "enterprise", "format": "csv"}))
    assert [row[1] for row in rows[1:]] == ["Filter Test Tea Ltd"]


def _loan_of_3000_over_3_months():
    """3,000 CNY lent in full, equal principal: 1,000.00 of principal due each month."""
    listing = listing_new(amount="3000", term_months=3, method="equal-principal")
    bid_place(investor=investor_with_money(3_000_00), listing=listing, amount=Decimal("3000"),
              bid_id=uuid.uuid4())
    listing.refresh_from_db()
    return listing.loan


def test_operators_and_the_regulator_look_through_every_loan():
    loan = _loan_of_3000_over_3_months()
    first, second, _third = loan.installments.order_by("number")
    repayment_make(user=loan.listing.application.enterprise.representative, loan=loan,
                   amount=money_from_minor(first.principal_fen + first.interest_fen
                                           + first.fee_fen, "CNY"),
                   repayment_id=uuid.uuid4())
    _loan_of_3000_over_3_months()  # another loan, nothing repaid
    operator = Client()
    operator.force_login(user_new(Role.OPERATOR))
    page = operator.get("/operator/loans/").content.decode()
    assert page.count('data-testid="loan-row"') == 2
    rows = _rows(operator.get("/operator/loans/", {"sort": "number", "format": "csv"}))
    header = rows[0]
    repaid_once = dict(zip(header, rows[1], strict=True))
    assert repaid_once["Principal"] == "3000.00"
    assert repaid_once["Outstanding"] == "2000.00"  # the first 1,000.00 of principal is back
    assert repaid_once["Next due"] == second.due_date.isoformat()
    assert repaid_once["Days past due"] == "0"
    assert dict(zip(header, rows[2], strict=True))["Outstanding"] == "3000.00"
    by_outstanding = _rows(operator.get("/operator/loans/", {"sort": "-outstanding",
                                                             "format": "csv"}))
    assert [row[0] for row in by_outstanding[1:]] == [rows[2][0], rows[1][0]]
    assert "No loan matches." in operator.get("/operator/loans/",
                                              {"status": "default"}).content.decode()
    regulator = Client()
    regulator.force_login(user_new(Role.REGULATOR))
    assert regulator.get("/operator/loans/").status_code == 200
    borrower = Client()
    borrower.force_login(loan.listing.application.enterprise.representative)
    assert borrower.get("/operator/loans/").status_code == 403
