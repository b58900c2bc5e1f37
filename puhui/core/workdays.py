"""Working days: the Chinese holiday calendar (holidays and make-up working Saturdays), with a
visible fallback to plain weekends for years the calendar does not cover yet — never a crash.
"""

import warnings
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar
from django.utils.translation import gettext


class Calendar(StrEnum):
    CHINA = "cn"  # State Council holidays and make-up working days
    WEEKENDS = "weekends"  # Saturday and Sunday off
    NONE = "none"  # every day is a working day (no adjustment)


class CalendarFallbackWarning(UserWarning):
    """The Chinese calendar has no data for a year; weekends alone were used."""


def calendar_years_covered() -> tuple[int, int]:
    years = [day.year for day in chinese_calendar.holidays] + [
        day.year for day in chinese_calendar.workdays
    ]
    return min(years), max(years)


def calendar_fallback_said(year: int) -> str:
    """What the fallback means for ``year``, in the reader's language (a listing whose window
    reaches a year the calendar lacks shows it)."""
    first, last = calendar_years_covered()
    return gettext("the Chinese holiday calendar covers {first}–{last}; {year} uses weekends "
                   "only, so a public holiday may be treated as a working day").format(
        first=first, last=last, year=year)


def is_working_day(day: date, calendar: Calendar = Calendar.CHINA) -> bool:
    if calendar == Calendar.NONE:
        return True
    if calendar == Calendar.CHINA:
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            first, last = calendar_years_covered()
            warnings.warn(
                f"the Chinese holiday calendar covers {first}–{last}; {day.year} uses weekends "
                "only, so a public holiday may be treated as a working day",
                CalendarFallbackWarning, stacklevel=2,
            )
    return day.weekday() < 5


def next_working_day(day: date, calendar: Calendar = Calendar.CHINA) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, calendar):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, count: int, calendar: Calendar = Calendar.CHINA) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            count -= 1
    return day
