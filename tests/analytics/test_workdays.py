"""Working days with known answers from the State Council's holiday notices."""
from __future__ import annotations

import datetime as dt

import pytest

from analytics.workdays import CalendarUnknown, add_working_days, is_working_day, last_known_year


def test_national_day_and_adjusted_saturday():
    assert not is_working_day(dt.date(2024, 10, 1))
    assert is_working_day(dt.date(2024, 10, 12))  # Saturday worked in exchange for the National Day week
    assert not is_working_day(dt.date(2024, 10, 13))


def test_deadline_over_the_holiday():
    assert add_working_days(dt.datetime(2024, 9, 30, 9), 1) == dt.datetime(2024, 10, 8, 9)
    assert add_working_days(dt.datetime(2025, 1, 27, 10), 1) == dt.datetime(2025, 2, 5, 10)  # Spring Festival 2025


def test_plain_week():
    assert add_working_days(dt.datetime(2024, 11, 1, 8), 5) == dt.datetime(2024, 11, 8, 8)


def test_refuses_to_guess_past_known_years():
    with pytest.raises(CalendarUnknown, match="尚未公布"):
        is_working_day(dt.date(last_known_year() + 1, 3, 3))
