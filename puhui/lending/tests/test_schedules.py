"""Schedules for all four methods, to the fen, against amounts worked out independently:
numpy-financial for the annuity, hand-derived vectors for the rest, real month ends, leap
years and Chinese holidays (2026 Spring Festival make-up Saturday, National Day week)."""

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from puhui.core.errors import PuhuiError
from puhui.lending.schedules import due_date, schedule_all_in_rate, schedule_build


def fen(text: str) -> int:
    return int(Decimal(text) * 100)


@pytest.mark.parametrize(
    ("amount", "rate", "months"),
    [(100_000, "0.0435", 12), (50_000, "0.12", 24), (12_345, "0.0888", 7),
     (1_000_000, "0.24", 36), (3_000, "0.06", 1)],
)
def test_equal_installment_payment_is_numpy_financials_rounded_to_the_fen(amount, rate, months):
    expected = Decimal(str(npf.pmt(float(rate) / 12, months, -amount))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)
    schedule = schedule_build(amount=Decimal(amount), rate_annual=Decimal(rate), months=months,
                              method="equal-installment", start=date(2025, 3, 10),
                              calendar="none")
    totals = [i.total for i in schedule.installments]
    assert all(total == int(expected * 100) for total in totals[:-1])
    assert abs(totals[-1] - int(expected * 100)) <= months  # the last absorbs the rounding
    assert sum(i.principal for i in schedule.installments) == amount * 100
    assert schedule.installments[-1].balance == 0


def test_the_issue_example_100000_at_4_35_percent_for_12_months():
    schedule = schedule_build(amount=Decimal(100_000), rate_annual=Decimal("0.0435"), months=12,
                              method="equal-installment", start=date(2026, 1, 31))
    first, last = schedule.installments[0], schedule.installments[-1]
    # month 1: interest 100,000 × 0.0435 / 12 = 362.50; payment 8,530.99
    assert (first.interest, first.principal, first.total) == (fen("362.50"), fen("8168.49"),
                                                              fen("8530.99"))
    assert last.balance == 0
    assert sum(i.interest for i in schedule.installments) == fen("2371.90")


def test_equal_principal_hand_vector():
    # 12,000 at 12 %: principal 1,000 a month; interest 1 % of the outstanding: 120, 110 … 10
    schedule = schedule_build(amount=Decimal(12_000), rate_annual=Decimal("0.12"), months=12,
                              method="equal-principal", start=date(2025, 1, 15),
                              calendar="none")
    assert [i.principal for i in schedule.installments] == [100_000] * 12
    assert [i.interest for i in schedule.installments] == [fen(str(120 - 10 * k))
                                                           for k in range(12)]
    assert sum(i.interest for i in schedule.installments) == fen("780")


def test_equal_principal_rounding_goes_to_the_last_installment():
    schedule = schedule_build(amount=Decimal(100_000), rate_annual=Decimal(0), months=3,
                              method="equal-principal", start=date(2025, 1, 15),
                              calendar="none")
    assert [i.principal for i in schedule.installments] == [fen("33333.33"), fen("33333.33"),
                                                            fen("33333.34")]


def test_interest_only_and_bullet_hand_vectors():
    interest_only = schedule_build(amount=Decimal(100_000), rate_annual=Decimal("0.06"),
                                   months=12, method="interest-only", start=date(2025, 1, 15),
                                   calendar="none")
    assert [i.interest for i in interest_only.installments] == [fen("500")] * 12
    assert [i.principal for i in interest_only.installments] == [0] * 11 + [fen("100000")]
    bullet = schedule_build(amount=Decimal(100_000), rate_annual=Decimal("0.06"), months=12,
                            method="bullet", start=date(2025, 1, 15), calendar="none")
    [only] = bullet.installments
    assert (only.due_date, only.principal, only.interest) == (date(2026, 1, 15),
                                                              fen("100000"), fen("6000"))


def test_grace_months_pay_interest_only_first():
    schedule = schedule_build(amount=Decimal(12_000), rate_annual=Decimal("0.12"), months=6,
                              method="equal-principal", start=date(2025, 1, 15),
                              grace_months=2, calendar="none")
    assert [i.principal for i in schedule.installments] == [0, 0] + [300_000] * 4
    assert [i.interest for i in schedule.installments[:3]] == [fen("120")] * 3


def test_fees_appear_in_totals_and_raise_the_all_in_cost():
    plain = schedule_build(amount=Decimal(100_000), rate_annual=Decimal("0.0435"), months=12,
                           method="equal-installment", start=date(2025, 1, 15), calendar="none")
    charged = schedule_build(amount=Decimal(100_000), rate_annual=Decimal("0.0435"), months=12,
                             method="equal-installment", start=date(2025, 1, 15),
                             calendar="none", fee_per_period=Decimal(50),
                             upfront_fee=Decimal(2_000))
    assert charged.installments[0].total == plain.installments[0].total + fen("50")
    apr_plain, _ = schedule_all_in_rate(plain)
    apr_charged, effective = schedule_all_in_rate(charged)
    # the same flows per month, solved by numpy-financial's IRR
    flows = [100_000 - 2_000] + [-i.total / 100 for i in charged.installments]
    assert abs(apr_charged - Decimal(str(npf.irr(flows) * 12))) < Decimal("0.002")
    assert abs(apr_plain - Decimal("0.0435")) < Decimal("0.002")
    assert apr_charged > apr_plain
    assert effective > apr_charged


def test_month_ends_follow_the_end_of_month_rule_and_leap_years():
    assert [due_date(date(2026, 1, 31), k) for k in (1, 2, 3)] == [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert due_date(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert due_date(date(2026, 2, 28), 1) == date(2026, 3, 31)  # a month-end start
    assert due_date(date(2026, 1, 30), 1) == date(2026, 2, 28)  # the 30th does not exist
    assert due_date(date(2026, 1, 30), 2) == date(2026, 3, 30)
    assert due_date(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_chinese_holidays_and_make_up_working_days():
    def dates(start: date, calendar: str, months: int = 2) -> list[date]:
        schedule = schedule_build(amount=Decimal(1_000), rate_annual=Decimal("0.1"),
                                  months=months, method="interest-only", start=start,
                                  calendar=calendar)
        return [i.due_date for i in schedule.installments]

    # 28 Feb 2026 is a Saturday but a make-up working day after the Spring Festival
    assert dates(date(2026, 1, 31), "cn")[0] == date(2026, 2, 28)
    assert dates(date(2026, 1, 31), "weekends")[0] == date(2026, 3, 2)
    # 1 Oct 2026 falls in the National Day week (1–7 Oct): paid on Thursday 8 Oct
    assert dates(date(2026, 9, 1), "cn", 1) == [date(2026, 10, 8)]
    assert dates(date(2026, 9, 1), "weekends", 1) == [date(2026, 10, 1)]
    # 31 May 2026 is a Sunday
    assert dates(date(2026, 4, 30), "cn", 2) == [date(2026, 6, 1), date(2026, 6, 30)]


def test_a_year_beyond_the_calendar_falls_back_to_weekends_with_a_warning():
    schedule = schedule_build(amount=Decimal(1_000), rate_annual=Decimal("0.1"), months=2,
                              method="interest-only", start=date(2031, 12, 1))
    assert schedule.installments[0].due_date == date(2032, 1, 1)  # a Thursday, not a holiday
    assert schedule.warnings
    assert "uses weekends only" in schedule.warnings[0]


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [({"amount": Decimal(0)}, "positive"), ({"months": 0}, "term"),
     ({"rate_annual": Decimal("1.5")}, "annual rate"), ({"grace_months": 12}, "grace"),
     ({"method": "bullet", "grace_months": 1}, "bullet"),
     ({"upfront_fee": Decimal(200_000)}, "fees")],
)
def test_impossible_schedules_are_refused(kwargs, problem):
    base = {"amount": Decimal(100_000), "rate_annual": Decimal("0.05"), "months": 12,
            "method": "equal-installment", "start": date(2025, 1, 1)}
    with pytest.raises(PuhuiError, match=problem):
        schedule_build(**(base | kwargs))


@given(
    amount=st.integers(min_value=1, max_value=10**10),
    rate=st.decimals(min_value=0, max_value=Decimal("0.36"), places=4),
    months=st.integers(min_value=1, max_value=60),
    method=st.sampled_from(["equal-installment", "equal-principal", "interest-only", "bullet"]),
)
def test_every_schedule_adds_up_to_the_fen(amount, rate, months, method):
    schedule = schedule_build(amount=Decimal(amount) / 100, rate_annual=rate, months=months,
                              method=method, start=date(2025, 5, 31), calendar="none")
    installments = schedule.installments
    assert sum(i.principal for i in installments) == amount
    assert installments[-1].balance == 0
    assert all(i.principal >= 0 and i.interest >= 0 for i in installments)
    outstanding = amount
    for installment in installments:
        if method != "bullet":
            expected = (Decimal(outstanding) * rate / 12).quantize(Decimal(1), ROUND_HALF_UP)
            assert installment.interest == expected
        outstanding -= installment.principal
        assert installment.balance == outstanding
    assert [i.due_date for i in installments] == sorted(i.due_date for i in installments)


def test_schedule_command_json(capsys):
    call_command("schedule", "--amount", "100000", "--rate", "0.0435", "--months", "12",
                 "--method", "equal-installment", "--start", "2026-01-31", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 12
    assert set(rows[0]) >= {"due_date", "principal", "interest", "fee", "total", "balance"}
    assert rows[0] == {"number": 1, "due_date": "2026-02-28", "principal": "8168.49",
                       "interest": "362.50", "fee": "0.00", "total": "8530.99",
                       "balance": "91831.51"}
    assert sum(Decimal(r["principal"]) for r in rows) == Decimal("100000.00")


def test_xirr_of_hand_made_flows():
    from puhui.lending.schedules import xirr

    one_year = [(date(2025, 1, 1), Decimal(-1000)), (date(2026, 1, 1), Decimal(1100))]
    assert abs(xirr(one_year) - Decimal("0.10")) < Decimal("0.000001")
    # 100 lent, 50 back after 182 days and 55 after a year: the rate zeroes the value
    two = [(date(2025, 1, 1), Decimal(-100)), (date(2025, 7, 2), Decimal(50)),
           (date(2026, 1, 1), Decimal(55))]
    rate = xirr(two)
    assert rate is not None
    assert Decimal("0.05") < rate < Decimal("0.07")
    assert abs(50 / (1 + rate) ** (Decimal(182) / 365) + 55 / (1 + rate) - 100) < Decimal(
        "0.000001")
    assert xirr([(date(2025, 1, 1), Decimal(-1)), (date(2025, 1, 1), Decimal(1))]) is None
    assert xirr([(date(2025, 1, 1), Decimal(5))]) is None
