"""Close of business as registered daily steps, run by one use-case for a business date."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from puhui.core import business_day
from puhui.core.business_day import DailyStep, Partition, daily_steps, daily_steps_register
from puhui.lending.models import ListingStatus
from puhui.lending.services import bid_place, listing_open
from puhui.lending.tests.factories import (
    approved_application,
    investor_with_money,
    listing_new,
    operators,
    product_new,
)
from puhui.operations.close_of_business import close_of_business_run

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Counted:
    business_date: date
    partition: Partition
    problem: str = ""

    def summary(self) -> str:
        return f"counted {self.business_date} in partition {self.partition.index}"


@pytest.fixture
def registered_steps():
    """Steps a test registers are gone after it."""
    before = dict(business_day._steps)
    yield
    business_day._steps.clear()
    business_day._steps.update(before)


def test_the_apps_register_their_steps_in_order():
    names = [step.name for step in daily_steps()]
    assert names == ["lending.loan_book", "lending.listings_expired",
                     "crowdfunding.reconfirmations", "crowdfunding.deadlines",
                     "operations.crowdfunding_notes", "crowdfunding.milestones",
                     "registry.disputes_followed",
                     "lending.reminders", "notifications.mail",
                     "audit.log_checkpointed"]


def test_a_new_step_runs_without_editing_another_app(registered_steps):
    seen: list[tuple[date, int]] = []

    def count(business_date: date, partition: Partition) -> Counted:
        seen.append((business_date, partition.index))
        return Counted(business_date, partition)

    daily_steps_register([DailyStep("fundraising.campaigns", 150, count)])
    outcome = close_of_business_run(business_date=date(2026, 3, 2),
                                    partition=Partition(1, 2))
    assert seen == [(date(2026, 3, 2), 1)]
    assert [step.name for step in outcome.steps] == [
        "lending.loan_book", "fundraising.campaigns", "lending.reminders"]  # once-a-day step
    # (listings) is left to the first partition
    out = StringIO()
    call_command("cob", "--date", "2026-03-02", stdout=out)
    assert "fundraising.campaigns: counted 2026-03-02 in partition 0" in out.getvalue()


def test_two_steps_may_not_share_a_name_or_an_order(registered_steps):
    def nothing(business_date: date, partition: Partition) -> Counted:
        return Counted(business_date, partition)

    with pytest.raises(ValueError, match="share order 100"):
        daily_steps_register([DailyStep("other.step", 100, nothing)])
    with pytest.raises(ValueError, match=r"two daily steps are named 'lending\.loan_book'"):
        daily_steps_register([DailyStep("lending.loan_book", 101, nothing)])
    assert [step.order for step in daily_steps()] == [
        100, 200, 245, 250, 252, 255, 800, 900, 950, 990]


def test_a_partition_out_of_range_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="partition 2 of 2"):
        Partition(2, 2)


def test_close_of_business_for_a_past_date_books_as_of_that_date():
    """A listing opened on 2 March 2026 raises 60 % by the end of its window; the product funds
    from half. Close of business for the day after the window — run much later — makes the
    loan with that day as its value date, and the schedule runs from it."""
    product = product_new(partial_funding_min_share=Decimal("0.5"))
    application = approved_application(product=product, amount="10000", term_months=3,
                                       method="equal-principal")
    opened_on = date(2026, 3, 2)
    listing = listing_open(application=application, operator=operators()[1],
                           business_date=opened_on)
    # 20 working days from Monday 2 March 2026 on the Chinese calendar: Monday 30 March
    assert listing.closes_on == date(2026, 3, 30)
    bid_place(investor=investor_with_money(6_000_00), listing=listing,
              amount=Decimal("6000"), bid_id=uuid.uuid4(), business_date=opened_on)
    business_date = listing.closes_on + timedelta(days=1)

    close_of_business_run(business_date=business_date)

    listing.refresh_from_db()
    assert listing.status == ListingStatus.FUNDED
    loan = listing.loan
    assert loan.value_date == date(2026, 3, 31)
    # monthly from 31 March: 30 April, then 31 May (a Sunday: the next working day, 1 June)
    dues = list(loan.installments.order_by("number").values_list("due_date", flat=True))
    assert dues[:2] == [date(2026, 4, 30), date(2026, 6, 1)]


def test_the_page_runs_close_of_business_through_the_same_use_case(registered_steps):
    def count(business_date: date, partition: Partition) -> Counted:
        return Counted(business_date, partition)

    daily_steps_register([DailyStep("fundraising.campaigns", 150, count)])
    operator = operators()[0]
    client = Client()
    client.force_login(operator)
    page = client.post("/operator/close-of-business/", {"business_date": "2026-03-02"})
    assert page.status_code == 200
    assert "counted 2026-03-02 in partition 0" in page.content.decode()
    refused = client.post("/operator/close-of-business/", {"business_date": "someday"})
    assert refused.status_code == 400


def test_a_close_of_business_before_the_last_one_says_it_changes_nothing():
    listing = listing_new(amount="1000", term_months=3, method="bullet")
    bid_place(investor=investor_with_money(5_000_00), listing=listing, amount=Decimal("1000"),
              bid_id=uuid.uuid4())
    listing.refresh_from_db()
    loan = listing.loan
    due = loan.installments.get().due_date
    close_of_business_run(business_date=due + timedelta(days=10))
    assert loan.installments.get().days_past_due == 10
    client = Client()
    client.force_login(operators()[0])
    page = client.post("/operator/close-of-business/",
                       {"business_date": (due + timedelta(days=2)).isoformat()}).content.decode()
    assert (f"The loan book was closed for {(due + timedelta(days=10)).isoformat()} already"
            in page)
    assert loan.installments.get().days_past_due == 10  # never turned back
