"""Working days with known answers from the State Council's holiday notices."""
from __future__ import annotations

import datetime as dt

import pytest

from analytics.workdays import (CalendarUnknown, add_working_days, holiday_name, is_working_day, last_known_date,
                                last_known_year)


def test_national_day_2024_and_its_adjusted_saturday():
    assert not is_working_day(dt.date(2024, 10, 1))
    assert not is_working_day(dt.date(2024, 10, 7))
    assert is_working_day(dt.date(2024, 10, 12))  # Saturday worked in exchange for the National Day week
    assert not is_working_day(dt.date(2024, 10, 13))  # an ordinary Sunday
    assert holiday_name(dt.date(2024, 10, 1)) == "National Day"
    assert holiday_name(dt.date(2024, 10, 12)) is None  # a working day, not a holiday


def test_deadline_over_the_national_day_week():
    assert add_working_days(dt.datetime(2024, 9, 30, 9), 1) == dt.datetime(2024, 10, 8, 9)


def test_spring_festival_2025():
    # Holiday 28 January – 4 February 2025; Sunday 26 January and Saturday 8 February were working days.
    for day in range(28, 32):
        assert not is_working_day(dt.date(2025, 1, day))
    assert not is_working_day(dt.date(2025, 2, 4))
    assert is_working_day(dt.date(2025, 1, 26)) and is_working_day(dt.date(2025, 2, 8))
    assert holiday_name(dt.date(2025, 1, 29)) == "Spring Festival"
    assert add_working_days(dt.datetime(2025, 1, 27, 10, 30), 1) == dt.datetime(2025, 2, 5, 10, 30)
    # Five working days from the Friday before: 26 (Sun, worked), 27, 5, 6, 7 February.
    assert add_working_days(dt.datetime(2025, 1, 24, 16), 5) == dt.datetime(2025, 2, 7, 16)


def test_plain_weeks_and_zero():
    assert add_working_days(dt.datetime(2024, 11, 1, 8), 5) == dt.datetime(2024, 11, 8, 8)
    assert add_working_days(dt.datetime(2024, 11, 2, 8), 1) == dt.datetime(2024, 11, 4, 8)  # from a Saturday
    assert add_working_days(dt.datetime(2024, 11, 4, 8, 15, 30), 0) == dt.datetime(2024, 11, 4, 8, 15, 30)
    # Fifteen working days: three plain weeks.
    assert add_working_days(dt.datetime(2024, 11, 4, 9), 15) == dt.datetime(2024, 11, 25, 9)
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2024, 11, 4, 9), -1)


def test_refuses_to_guess_past_known_years():
    last = last_known_year()
    assert last >= 2025 and last_known_date() == dt.date(last, 12, 31)
    assert is_working_day(dt.date(last, 12, 31)) in (True, False)
    with pytest.raises(CalendarUnknown, match="未知"):
        is_working_day(dt.date(last + 1, 3, 3))
    with pytest.raises(CalendarUnknown):
        add_working_days(dt.datetime(last, 12, 30, 9), 15)  # the count runs into the unknown year
    with pytest.raises(CalendarUnknown):
        is_working_day(dt.date(1999, 6, 1))
