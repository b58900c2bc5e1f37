"""Close of business: overdue marking, penalty, status, reminders; idempotent per date."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from puhui.lending.cob import cob_run_for_date
from puhui.lending.models import Installment, LoanStatus, Reminder
from puhui.lending.services import bid_place
from puhui.lending.tests.factories import investor_with_money, listing_new, product_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan():
    # 10,000.00 at 9 %, 12 equal installments; penalty 0.05 % a day on what is overdue
    listing = listing_new(amount="10000", product=product_new(
        penalty_rate_daily=Decimal("0.000500"), upfront_fee_rate=Decimal(0)))
    bid_place(investor=investor_with_money(20_000_00), listing=listing,
              amount=Decimal("10000"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    return listing.loan


def state(loan):
    loan.refresh_from_db()
    return loan.status, list(Installment.objects.filter(loan=loan).order_by("number")
                             .values_list("days_past_due", "penalty_fen"))


def run_days(first_day, last_day) -> None:
    day = first_day
    while day <= last_day:
        cob_run_for_date(business_date=day)
        day += timedelta(days=1)


def test_an_unpaid_installment_goes_overdue_accrues_penalty_then_defaults(loan):
    first = loan.installments.get(number=1)
    # first installment: 874.51 overdue (799.51 principal + 75.00 interest); a day's penalty:
    # 87,451 fen × 0.0005 = 43.7255 → 44 fen
    day_10 = first.due_date + timedelta(days=10)
    run_days(first.due_date, day_10)
    status, rows = state(loan)
    assert status == LoanStatus.OVERDUE
    assert rows[0] == (10, 10 * 44)
    assert all(row == (0, 0) for row in rows[1:])
    # overdue reminders on the rulebook's milestones (1, 3, 7 … days), not every day
    assert sorted(Reminder.objects.filter(installment=first, kind="overdue")
                  .values_list("business_date", flat=True)) == [
        first.due_date + timedelta(days=d) for d in (1, 3, 7)]

    day_91 = first.due_date + timedelta(days=91)
    run_days(day_10 + timedelta(days=1), day_91)
    status, rows = state(loan)
    assert status == LoanStatus.DEFAULT
    assert rows[0][0] == 91
    # the second installment fell due a month in and accrues too; the first: 91 days × 44
    assert rows[0][1] == 91 * 44


def test_a_rerun_for_the_same_date_changes_nothing(loan):
    day = loan.installments.get(number=2).due_date + timedelta(days=5)
    first = cob_run_for_date(business_date=day)
    before = state(loan), Reminder.objects.count()
    second = cob_run_for_date(business_date=day)
    assert (state(loan), Reminder.objects.count()) == before
    assert first == second


def test_partitions_together_equal_one_run(loan):
    day = loan.installments.get(number=1).due_date + timedelta(days=3)
    cob_run_for_date(business_date=day, partition=0, partitions=2)
    cob_run_for_date(business_date=day, partition=1, partitions=2)
    split = state(loan)
    cob_run_for_date(business_date=day)
    assert state(loan) == split


def test_upcoming_installments_get_a_reminder_before_their_date(loan):
    first = loan.installments.get(number=1)
    cob_run_for_date(business_date=first.due_date - timedelta(days=2))
    assert Reminder.objects.filter(installment=first, kind="upcoming").count() == 1
    status, rows = state(loan)
    assert status == LoanStatus.CURRENT
    assert all(row == (0, 0) for row in rows)
