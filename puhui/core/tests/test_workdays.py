"""Working days on the Chinese calendar, and the weekends-only fallback."""

import warnings
from datetime import date

import pytest

from puhui.core.workdays import (
    Calendar,
    CalendarFallbackWarning,
    add_working_days,
    is_working_day,
    next_working_day,
)


def test_holidays_and_make_up_days_of_2026():
    assert not is_working_day(date(2026, 10, 1))  # National Day
    assert is_working_day(date(2026, 10, 10))  # a make-up Saturday
    assert not is_working_day(date(2026, 10, 10), Calendar.WEEKENDS)
    assert is_working_day(date(2026, 10, 3), Calendar.NONE)
    assert next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)


def test_twenty_working_days_across_national_day():
    # from Wed 30 Sep 2026: 8, 9, 10 (Sat, make-up), 12 … counted by hand on the 2026 calendar
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 30), 20) == date(2026, 11, 3)


def test_uncovered_years_fall_back_to_weekends_with_a_warning():
    with pytest.warns(CalendarFallbackWarning, match="weekends only"):
        assert not is_working_day(date(2031, 3, 1))  # a Saturday
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert is_working_day(date(2026, 3, 2))  # covered: no warning
