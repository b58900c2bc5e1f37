"""Products, applications with their checks, listings, bids, funding and release."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from puhui.core.errors import PuhuiError
from puhui.ledger.models import Account, Transfer
from puhui.ledger.selectors import ledger_verify
from puhui.lending.models import (
    ApplicationStatus,
    Bid,
    BidStatus,
    Installment,
    ListingStatus,
    Note,
)
from puhui.lending.services import (
    application_submit,
    bid_cancel,
    bid_place,
    listing_close,
    listing_funded_fen,
    wallet_for,
)
from puhui.lending.tests.factories import (
    admitted_enterprise,
    investor_with_money,
    listing_new,
    product_new,
)
from puhui.parties.tests.factories import enterprise_new
from puhui.rulebook.models import RuleEvaluation

pytestmark = pytest.mark.django_db
YUAN = 100


def balance(account_id: int) -> int:
    return Account.objects.get(pk=account_id).balance_posted


def test_products_above_the_rate_ceiling_or_the_cap_are_refused():
    with pytest.raises(PuhuiError, match=r"pricing\.annual_rate_ceiling"):
        product_new(rate_annual=Decimal("0.2500"))
    with pytest.raises(PuhuiError, match="per_platform"):
        product_new(amount_max_fen=1_000_001 * YUAN)


def test_an_application_records_each_check_with_its_rule_id():
    product = product_new()
    enterprise = admitted_enterprise(revenue_wan=Decimal("90"))
    application = application_submit(
        user=enterprise.representative, enterprise=enterprise, product=product,
        amount=Decimal("100000"), term_months=12, method="equal-installment",
        purpose_category="inventory", purpose_description="tea")
    assert application.status == ApplicationStatus.SUBMITTED
    rule_ids = {c["rule_id"] for c in application.checks}
    assert rule_ids == {
        "admittance.approved", "size_classes.admitted",
        "borrowing_caps.legal_person.per_platform", "credit_policy.min_enterprise_age_months",
        "credit_policy.max_amount_to_annual_revenue", "borrowing_caps.legal_person.all_platforms",
        "credit_policy.knock_out_flags.blacklisted", "credit_policy.knock_out_flags.fraud",
        "credit_policy.knock_out_flags.fake_information",
        f"credit_policy.grades.{application.credit['grade']}",
    }
    assert application.credit["model_version"]  # the shipped model decided
    assert RuleEvaluation.objects.filter(subject=application.subject).count() == 10


def test_failed_checks_refuse_the_application_with_reasons():
    product = product_new()
    not_admitted = enterprise_new(revenue_wan=Decimal("90"))
    # 500,000 against 0.5 × 900,000 revenue: over the credit policy's multiple
    application = application_submit(
        user=not_admitted.representative, enterprise=not_admitted, product=product,
        amount=Decimal("500000"), term_months=12, method="bullet",
        purpose_category="inventory", purpose_description="tea")
    assert application.status == ApplicationStatus.REFUSED
    assert "admittance.approved" in application.decision_reasons
    assert "credit_policy.max_amount_to_annual_revenue" in application.decision_reasons


def test_the_per_platform_cap_counts_what_is_already_owed():
    product = product_new(amount_max_fen=1_000_000 * YUAN)
    enterprise = admitted_enterprise(revenue_wan=Decimal("1000"), employees=9)  # micro
    submit = dict(user=enterprise.representative, enterprise=enterprise, product=product,
                  term_months=12, method="bullet", purpose_category="x", purpose_description="x")
    first = application_submit(amount=Decimal("400000"), **submit)
    assert first.status == ApplicationStatus.SUBMITTED
    second = application_submit(amount=Decimal("400000"), **submit)
    assert second.status == ApplicationStatus.SUBMITTED
    third = application_submit(amount=Decimal("300000"), **submit)  # 1,100,000 > 1,000,000
    assert third.status == ApplicationStatus.REFUSED
    assert "borrowing_caps.legal_person.per_platform" in third.decision_reasons


def test_an_application_outside_the_product_is_an_error_and_saves_nothing():
    product = product_new()
    enterprise = admitted_enterprise()
    with pytest.raises(PuhuiError) as caught:
        application_submit(user=enterprise.representative, enterprise=enterprise,
                           product=product, amount=Decimal("100000"), term_months=7,
                           method="equal-installment", purpose_category="x",
                           purpose_description="x")
    assert caught.value.code == "APPLICATION_OUTSIDE_PRODUCT"
    assert not enterprise.loan_applications.exists()


def test_the_window_is_twenty_working_days_from_the_rulebook():
    listing = listing_new()
    assert listing.status == ListingStatus.OPEN
    assert listing.closes_on > timezone.localdate() + timedelta(days=20)  # weekends, holidays


def test_bid_rules_and_ledger_holds():
    listing = listing_new(amount="10000")
    investor = investor_with_money(20_000 * YUAN)
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")

    for amount, code in (("50", "BID_BELOW_MINIMUM"), ("150", "BID_NOT_A_MULTIPLE"),
                         ("10000.50", "BID_NOT_A_MULTIPLE")):
        with pytest.raises(PuhuiError) as caught:
            bid_place(investor=investor, listing=listing, amount=Decimal(amount),
                      bid_id=uuid.uuid4())
        assert caught.value.code == code

    bid = bid_place(investor=investor, listing=listing, amount=Decimal("3000"),
                    bid_id=uuid.uuid4())
    wallet.refresh_from_db()
    assert (wallet.balance_posted, wallet.balance_available) == (20_000 * YUAN, 17_000 * YUAN)
    assert listing_funded_fen(listing) == 3_000 * YUAN
    assert bid_place(investor=investor, listing=listing, amount=Decimal("3000"),
                     bid_id=bid.pk) == bid  # a retry, not a second bid

    bid_cancel(investor=investor, bid=bid)
    wallet.refresh_from_db()
    assert wallet.balance_available == 20_000 * YUAN
    assert listing_funded_fen(listing) == 0
    assert ledger_verify().ok


def test_an_unsuitable_or_unadmitted_investor_cannot_bid():
    listing = listing_new(product=product_new(risk_level=5))
    cautious = investor_with_money(10_000 * YUAN)  # balanced: up to R3
    with pytest.raises(PuhuiError) as caught:
        bid_place(investor=cautious, listing=listing, amount=Decimal("100"),
                  bid_id=uuid.uuid4())
    assert caught.value.code == "NOT_SUITABLE"
    assert not Bid.objects.exists()


def test_no_bid_beyond_the_remaining_amount_or_the_wallet():
    listing = listing_new(amount="10000")
    rich = investor_with_money(100_000 * YUAN)
    poor = investor_with_money(500 * YUAN)
    bid_place(investor=rich, listing=listing, amount=Decimal("9000"), bid_id=uuid.uuid4())
    before = Transfer.objects.count()
    with pytest.raises(PuhuiError) as too_much:
        bid_place(investor=rich, listing=listing, amount=Decimal("2000"), bid_id=uuid.uuid4())
    assert too_much.value.code == "BID_EXCEEDS_REMAINING"
    assert "1,000.00 CNY" in str(too_much.value)
    with pytest.raises(PuhuiError) as broke:
        bid_place(investor=poor, listing=listing, amount=Decimal("1000"), bid_id=uuid.uuid4())
    assert broke.value.code == "INSUFFICIENT_FUNDS"
    assert Transfer.objects.count() == before


def test_a_full_listing_funds_disburses_and_issues_notes_that_add_up():
    listing = listing_new(amount="10000")
    first, second, third = (investor_with_money(10_000 * YUAN) for _ in range(3))
    bid_place(investor=first, listing=listing, amount=Decimal("3300"), bid_id=uuid.uuid4())
    bid_place(investor=second, listing=listing, amount=Decimal("3300"), bid_id=uuid.uuid4())
    bid_place(investor=third, listing=listing, amount=Decimal("3400"), bid_id=uuid.uuid4())

    listing.refresh_from_db()
    assert listing.status == ListingStatus.FUNDED
    loan = listing.loan
    assert loan.principal_fen == 10_000 * YUAN
    # 1 % upfront fee: 100.00 to the platform, 9,900.00 to the borrower, escrow empty
    assert balance(loan.borrower_account_id) == 9_900 * YUAN
    assert balance(listing.escrow_account_id) == 0
    assert Account.objects.get(kind="platform_fee_income").balance_posted == 100 * YUAN
    assert sorted(n.principal_fen for n in Note.objects.filter(loan=loan)) == [
        3_300 * YUAN, 3_300 * YUAN, 3_400 * YUAN]
    installments = Installment.objects.filter(loan=loan)
    assert installments.count() == 12
    assert sum(i.principal_fen for i in installments) == 10_000 * YUAN
    assert loan.apr > loan.rate_annual  # the fee raises the all-in cost
    assert set(Bid.objects.values_list("status", flat=True)) == {BidStatus.ACCEPTED}
    assert ledger_verify().ok


def test_an_expired_listing_releases_every_bid_or_funds_partially_when_allowed():
    failing = listing_new(amount="10000")
    partial = listing_new(amount="10000",
                          product=product_new(partial_funding_min_share=Decimal("0.700")))
    investor = investor_with_money(50_000 * YUAN)
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    bid_place(investor=investor, listing=failing, amount=Decimal("5000"), bid_id=uuid.uuid4())
    bid_place(investor=investor, listing=partial, amount=Decimal("8000"), bid_id=uuid.uuid4())

    assert listing_close(listing=failing).status == ListingStatus.OPEN  # window still open
    after_window = failing.closes_on + timedelta(days=1)
    assert listing_close(listing=failing, business_date=after_window).status == ListingStatus.FAILED
    funded = listing_close(listing=partial, business_date=partial.closes_on + timedelta(days=1))
    assert funded.status == ListingStatus.FUNDED
    assert funded.loan.principal_fen == 8_000 * YUAN
    wallet.refresh_from_db()
    assert wallet.balance_posted == 42_000 * YUAN  # 8,000 lent; the 5,000 hold released
    assert wallet.balance_available == 42_000 * YUAN
    assert ledger_verify().ok


def test_close_of_business_closes_listings_whose_window_ended():
    from puhui.lending.services import listings_close_expired

    listing = listing_new(amount="10000")
    investor = investor_with_money(10_000 * YUAN)
    bid_place(investor=investor, listing=listing, amount=Decimal("1000"), bid_id=uuid.uuid4())
    assert listings_close_expired(business_date=listing.closes_on) == 0
    assert listings_close_expired(business_date=listing.closes_on + timedelta(days=1)) == 1
    listing.refresh_from_db()
    assert listing.status == ListingStatus.FAILED
    wallet = wallet_for(owner=investor.ledger_owner, kind="investor_wallet")
    assert wallet.balance_available == 10_000 * YUAN


def test_a_grace_period_gives_interest_only_months_first():
    product = product_new(grace_months_max=3)
    listing = listing_new(amount="1200", product=product, term_months=6,
                          method="equal-principal", grace_months=2)
    bid_place(investor=investor_with_money(5_000 * YUAN), listing=listing,
              amount=Decimal("1200"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    principals = [i.principal_fen for i in listing.loan.installments.order_by("number")]
    assert principals == [0, 0, 300 * YUAN, 300 * YUAN, 300 * YUAN, 300 * YUAN]


def test_a_grace_period_beyond_the_product_is_refused():
    enterprise = admitted_enterprise()
    with pytest.raises(PuhuiError) as caught:
        application_submit(user=enterprise.representative, enterprise=enterprise,
                           product=product_new(grace_months_max=1), amount=Decimal("10000"),
                           term_months=6, method="equal-principal", purpose_category="x",
                           purpose_description="x", grace_months=2)
    assert "grace period" in str(caught.value)
