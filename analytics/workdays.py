"""Working days over China's statutory holidays and adjusted working days (调休).

The ``chinesecalendar`` package knows the State Council's notices up to its release; later notices can be
added as data below. Dates past the last known year are refused, never guessed.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

# State Council notices published after the installed chinesecalendar release: dates as ISO strings.
EXTRA_HOLIDAYS: set[str] = set()
EXTRA_WORKDAYS: set[str] = set()


class CalendarUnknown(ValueError):
    """The date is beyond the last year whose holidays are published."""


@lru_cache(maxsize=1)
def last_known_year() -> int:
    """The last year the calendar knows (the package's data plus the extra notices)."""
    years = [d.year for d in chinese_calendar.holidays] + [int(s[:4]) for s in EXTRA_HOLIDAYS | EXTRA_WORKDAYS]
    return max(years)


def is_working_day(day: dt.date) -> bool:
    """True for a working day (weekdays that are not holidays, and adjusted working weekends)."""
    if day.year > last_known_year():
        raise CalendarUnknown(f"{day.year} 年的法定节假日尚未公布（已知至 {last_known_year()} 年），无法计算工作日")
    iso = day.isoformat()
    if iso in EXTRA_WORKDAYS:
        return True
    if iso in EXTRA_HOLIDAYS:
        return False
    return chinese_calendar.is_workday(day)


def add_working_days(start: dt.datetime, n: int) -> dt.datetime:
    """The moment ``n`` working days after ``start`` (same time of day): a deadline of n working days."""
    day, left = start.date(), n
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return dt.datetime.combine(day, start.time())
