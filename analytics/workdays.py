"""Working days over China's statutory holidays and adjusted working days (调休).

The ``chinesecalendar`` package carries the State Council's holiday notices up to its release (1.11.0:
2004–2026). A notice published after that release is added below as data (``EXTRA_HOLIDAYS`` /
``EXTRA_WORKDAYS``); a year only these tables cover counts Monday–Friday as working days except the listed
holidays, plus the listed adjusted working weekends. Dates past the last known year (or before the first)
are refused with ``CalendarUnknown``, never guessed: a deadline computed from a guessed calendar would be
wrong by days around every holiday.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

# State Council notices published after the installed chinesecalendar release, as ISO dates. Leave a year
# out until its notice is published (usually in November of the year before); once it is, list every
# holiday date (including the weekends inside the holiday period) and every adjusted working weekend day.
EXTRA_HOLIDAYS: dict[str, str] = {}  # ISO date -> holiday name, e.g. "2027-01-01": "New Year's Day"
EXTRA_WORKDAYS: dict[str, str] = {}  # ISO date -> the holiday it makes up for, e.g. "Spring Festival"


class CalendarUnknown(ValueError):
    """The date lies outside the years whose holiday arrangements are published."""


@lru_cache(maxsize=1)
def _package_years() -> tuple[int, int]:
    """First and last year the installed chinesecalendar knows."""
    years = [d.year for d in chinese_calendar.holidays] + [d.year for d in chinese_calendar.workdays]
    return min(years), max(years)


@lru_cache(maxsize=1)
def last_known_year() -> int:
    """The last year whose holidays are known (the package's data plus the extra notices)."""
    extra = [int(s[:4]) for s in (*EXTRA_HOLIDAYS, *EXTRA_WORKDAYS)]
    return max([_package_years()[1], *extra])


def clear_cache() -> None:
    """Forget the memoised answers: call after changing ``EXTRA_HOLIDAYS`` / ``EXTRA_WORKDAYS`` at run time."""
    last_known_year.cache_clear()
    _day_status.cache_clear()


def first_known_year() -> int:
    """The first year the calendar knows."""
    return _package_years()[0]


def last_known_date() -> dt.date:
    """The last date whose working-day status is known (31 December of the last known year)."""
    return dt.date(last_known_year(), 12, 31)


def _check(day: dt.date) -> None:
    if not first_known_year() <= day.year <= last_known_year():
        raise CalendarUnknown(
            f"{day.isoformat()}：{day.year} 年的法定节假日安排未知（已知 {first_known_year()}–{last_known_year()} 年）。"
            f"国务院公布后请在 analytics/workdays.py 的 EXTRA_HOLIDAYS / EXTRA_WORKDAYS 中补充，或升级 chinesecalendar"
        )


@lru_cache(maxsize=8192)
def _day_status(day: dt.date) -> tuple[bool, str | None]:
    """(working day?, holiday name) of a known date, memoised: the package's lookup costs ~20 µs a call."""
    _check(day)
    iso = day.isoformat()
    if iso in EXTRA_WORKDAYS:
        return True, None
    if iso in EXTRA_HOLIDAYS:
        return False, EXTRA_HOLIDAYS[iso]
    if day.year > _package_years()[1]:
        return day.weekday() < 5, None
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return chinese_calendar.is_workday(day), (name if on_holiday and name else None)


def is_working_day(day: dt.date) -> bool:
    """True for a working day: a weekday that is not a statutory holiday, or an adjusted working weekend."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return _day_status(day)[0]


def holiday_name(day: dt.date) -> str | None:
    """The statutory holiday ``day`` belongs to ("Spring Festival", "National Day", …), None on other days."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return _day_status(day)[1]


def add_working_days(start: dt.datetime, n: int) -> dt.datetime:
    """The moment ``n`` working days after ``start``, at the same time of day (a deadline of n working days).

    Days are counted from the day after ``start``: a ticket received on Monday 09:00 with one working day
    is due Tuesday 09:00, one received on the eve of the National Day week is due after it. ``n = 0`` gives
    ``start``. Raises ``CalendarUnknown`` when the count runs past the known years.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    day, left = start.date(), n
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return start + dt.timedelta(days=(day - start.date()).days)
