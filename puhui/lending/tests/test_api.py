"""The lending API: listings, bids (idempotent, errors as codes), loans and repayments."""

import json
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from puhui.credit.models import CreditDecision
from puhui.lending.models import Bid
from puhui.lending.tests.factories import (
    admitted_enterprise,
    investor_with_money,
    listing_new,
    product_new,
)
from puhui.parties.services import api_token_create

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    _token, secret = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, path: str, body: dict):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_bidding_over_the_api():
    listing = listing_new(amount="1000")
    investor = as_user(investor_with_money(5_000_00))
    listed = investor.get("/api/v1/lending/listings").json()
    assert [row["id"] for row in listed] == [listing.pk]
    assert listed[0]["amount"] == "1000.00"

    key = str(uuid.uuid4())
    first = post(investor, f"/api/v1/lending/listings/{listing.pk}/bids",
                 {"id": key, "amount": "600"})
    again = post(investor, f"/api/v1/lending/listings/{listing.pk}/bids",
                 {"id": key, "amount": "600"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert Bid.objects.count() == 1

    too_much = post(investor, f"/api/v1/lending/listings/{listing.pk}/bids",
                    {"id": str(uuid.uuid4()), "amount": "500"})
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "BID_EXCEEDS_REMAINING"
    assert "400.00 CNY" in too_much.json()["message"]
    bad = post(investor, f"/api/v1/lending/listings/{listing.pk}/bids",
               {"id": "nope", "amount": "-1"})
    assert bad.status_code == 400

    cancelled = investor.post(f"/api/v1/lending/bids/{key}/cancel")
    assert cancelled.json()["status"] == "cancelled"


def test_a_funded_loan_and_its_repayment_over_the_api():
    listing = listing_new(amount="1000", term_months=3, method="bullet")
    lender = investor_with_money(5_000_00)
    post(as_user(lender), f"/api/v1/lending/listings/{listing.pk}/bids",
         {"id": str(uuid.uuid4()), "amount": "1000"})
    listing.refresh_from_db()
    borrower = as_user(listing.application.enterprise.representative)
    loan = borrower.get(f"/api/v1/lending/loans/{listing.loan.pk}").json()
    assert loan["status"] == "current"
    assert [i["interest"] for i in loan["installments"]] == ["22.50"]  # 1,000 × 9 % / 4
    over = post(borrower, f"/api/v1/lending/loans/{listing.loan.pk}/repayments",
                {"id": str(uuid.uuid4()), "amount": "5000"})
    assert over.status_code == 400
    assert over.json()["code"] == "OVERPAYMENT"
    paid = post(borrower, f"/api/v1/lending/loans/{listing.loan.pk}/repayments",
                {"id": str(uuid.uuid4()), "amount": "500"})
    assert paid.status_code == 201
    assert paid.json()["allocation"]["interest"] == 2_250


def test_an_application_over_the_api_carries_its_credit_decision():
    product = product_new()
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    response = post(as_user(enterprise.representative), "/api/v1/lending/applications", {
        "enterprise_id": enterprise.pk, "product": product.code, "amount": "100000",
        "term_months": 12, "method": "equal-installment", "purpose_category": "inventory",
        "purpose_description": "tea for the season"})
    assert response.status_code == 201, response.content
    credit = response.json()["credit"]
    assert set(credit) == {"model_version", "model_kind", "score", "grade", "pd", "rate_annual",
                           "limit", "reasons"}
    decision = CreditDecision.objects.get()
    assert (credit["grade"], credit["pd"]) == (decision.grade, str(decision.pd))
    assert credit["limit"] == f"{decision.limit_fen / 100:.2f}"
    assert all(r["value"] and r["label_zh"] for r in credit["reasons"])


def test_an_application_sent_twice_with_one_id_is_made_once():
    product = product_new()
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    client = as_user(enterprise.representative)
    body = {"id": "6f1d2c3b-0000-4000-8000-000000000042", "enterprise_id": enterprise.pk,
            "product": product.code, "amount": "100000", "term_months": 12,
            "method": "equal-installment", "purpose_category": "inventory",
            "purpose_description": "tea for the season"}
    first = post(client, "/api/v1/lending/applications", body)
    again = post(client, "/api/v1/lending/applications", body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert CreditDecision.objects.count() == 1  # evaluated once
    changed = post(client, "/api/v1/lending/applications", body | {"amount": "90000"})
    assert changed.status_code == 409
    assert changed.json()["code"] == "ALREADY_SENT_DIFFERENTLY"
    assert changed.json()["detail"] == {"field": "amount"}
