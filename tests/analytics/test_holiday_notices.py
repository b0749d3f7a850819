"""Working days over statutory holidays and adjusted working days; known answers from the State Council's
holiday notices (国务院办公厅关于2025年／2026年部分节假日安排的通知)."""
from __future__ import annotations

import csv
from datetime import date

import pytest

from analytics import workdays
from analytics.workdays import CalendarUnknown, add_workdays, holiday_name, workdays_between
from analytics.workdays import is_working_day as is_workday


@pytest.mark.parametrize("day, expected", [
    (date(2025, 1, 26), True),    # Sunday worked before the 2025 Spring Festival
    (date(2025, 1, 28), False),   # 除夕 off (new in the 2025 rules)
    (date(2025, 2, 4), False),
    (date(2025, 2, 8), True),     # Saturday worked after it
    (date(2025, 9, 28), True),    # Sunday worked before National Day 2025
    (date(2025, 10, 8), False),   # National Day and Mid-autumn: 1–8 October
    (date(2025, 10, 11), True),   # Saturday worked after it
    (date(2026, 2, 14), True),    # Saturday worked before the 2026 Spring Festival
    (date(2026, 2, 23), False),   # nine days off: 15–23 February
    (date(2026, 2, 28), True),
    (date(2026, 10, 7), False),
    (date(2026, 10, 10), True),
    (date(2026, 3, 7), False),    # an ordinary Saturday
    (date(2026, 3, 9), True),     # an ordinary Monday
])
def test_is_workday_follows_the_notices(day, expected):
    assert is_workday(day) is expected


def test_add_workdays_across_spring_festival():
    assert add_workdays(date(2025, 1, 24), 1) == date(2025, 1, 26)   # Friday → the worked Sunday
    assert add_workdays(date(2025, 1, 27), 1) == date(2025, 2, 5)    # over 28 Jan – 4 Feb
    assert add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)   # the worked Saturday
    assert add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)   # over 15–23 Feb


def test_add_workdays_across_national_day():
    assert add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    # 20 working days from 30 Sep 2026: 8, 9, 10 (worked Saturday) Oct … 3 Nov.
    assert add_workdays(date(2026, 9, 30), 20) == date(2026, 11, 3)


def test_add_zero_workdays_is_the_day_or_the_next_working_day():
    assert add_workdays(date(2026, 3, 9), 0) == date(2026, 3, 9)
    assert add_workdays(date(2026, 10, 1), 0) == date(2026, 10, 8)
    assert add_workdays(date(2025, 1, 25), 0) == date(2025, 1, 26)
    with pytest.raises(ValueError):
        add_workdays(date(2026, 3, 9), -1)


def test_workdays_between_counts_the_half_open_interval():
    # (26 Sep, 12 Oct 2025]: 28, 29, 30 Sep, 9, 10, 11 Oct.
    assert workdays_between(date(2025, 9, 26), date(2025, 10, 12)) == 6
    assert workdays_between(date(2025, 10, 12), date(2025, 9, 26)) == -6
    assert workdays_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    start = date(2026, 2, 10)  # a Tuesday, so add_workdays(start, 0) is start itself
    for n in range(30):
        assert workdays_between(start, add_workdays(start, n)) == n


def test_refuses_to_guess_past_the_known_years():
    first, last = workdays.known_years()
    assert last >= 2026 and first == 2004
    with pytest.raises(CalendarUnknown, match="节假日安排"):
        is_workday(date(last + 1, 1, 5))
    with pytest.raises(CalendarUnknown):
        add_workdays(date(last, 12, 28), 10)
    with pytest.raises(CalendarUnknown):
        workdays_between(date(last, 12, 1), date(last + 1, 1, 10))
    assert isinstance(CalendarUnknown("x"), ValueError)


def test_notice_file_agrees_with_the_package_for_2026():
    from chinese_calendar.constants import holidays, workdays as package_workdays

    with workdays.NOTICES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["notice"] for r in rows if r["date"].startswith("2026")} == {"国务院办公厅关于2026年部分节假日安排的通知"}
    for r in rows:
        day = date.fromisoformat(r["date"])
        assert day in (holidays if r["kind"] == "holiday" else package_workdays), r


def test_a_later_notice_extends_the_calendar(tmp_path, monkeypatch):
    notices = tmp_path / "holiday_notices.csv"
    notices.write_text("date,kind,name,notice\n"
                       "2027-01-01,holiday,元旦,国务院办公厅关于2027年部分节假日安排的通知（测试）\n"
                       "2027-01-02,holiday,元旦,国务院办公厅关于2027年部分节假日安排的通知（测试）\n"
                       "2027-01-03,holiday,元旦,国务院办公厅关于2027年部分节假日安排的通知（测试）\n"
                       "2027-01-09,workday,元旦,国务院办公厅关于2027年部分节假日安排的通知（测试）\n",
                       encoding="utf-8")
    monkeypatch.setattr(workdays, "NOTICES", notices)
    workdays.clear_cache()
    try:
        assert workdays.known_years()[1] == 2027
        assert not is_workday(date(2027, 1, 1)) and is_workday(date(2027, 1, 9))
        assert holiday_name(date(2027, 1, 1)) == "元旦" and holiday_name(date(2027, 1, 9)) is None
        assert is_workday(date(2027, 2, 1)) and not is_workday(date(2027, 2, 6))  # an ordinary week
        assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
        with pytest.raises(CalendarUnknown):
            is_workday(date(2028, 1, 3))
    finally:
        workdays.clear_cache()


def test_a_malformed_notice_row_is_refused(tmp_path, monkeypatch):
    notices = tmp_path / "bad.csv"
    notices.write_text("date,kind,name,notice\n2027-01-01,vacation,元旦,通知\n", encoding="utf-8")
    monkeypatch.setattr(workdays, "NOTICES", notices)
    workdays.clear_cache()
    try:
        with pytest.raises(ValueError, match="第 2 行"):
            is_workday(date(2026, 1, 5))
    finally:
        workdays.clear_cache()
