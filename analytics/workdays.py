"""Working days over China's statutory holidays and adjusted working days (调休).

Two sources: the pinned ``chinesecalendar`` package (the State Council's notices up to its release; 1.11.0
knows 2004–2026) and later notices kept as data in ``analytics/data/holiday_notices.csv`` (one row per
special day: date, kind ``holiday|workday``, festival name, notice). A notice row wins over the package for
its date; a year only the notices cover counts Monday–Friday as working days except its listed holidays,
plus its listed adjusted working weekends. Dates outside the known years are refused with
``CalendarUnknown``, never guessed: a deadline computed from a guessed calendar would be wrong by days
around every holiday.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import chinese_calendar

NOTICES = Path(__file__).resolve().parent / "data" / "holiday_notices.csv"
KINDS = ("holiday", "workday")


class CalendarUnknown(ValueError):
    """The date lies outside the years whose holiday arrangements are published."""


@dataclass(frozen=True)
class _Calendar:
    first_year: int
    last_year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    names: dict[dt.date, str]  # holiday names of days only the notices know


def _load_notices(path: Path) -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) rows of the notices file; a malformed row is a configuration error."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                day = dt.date.fromisoformat(row["date"].strip())
            except (KeyError, ValueError, AttributeError) as exc:
                raise ValueError(f"{path.name} 第 {line} 行：日期无效") from exc
            kind = (row.get("kind") or "").strip()
            if kind not in KINDS:
                raise ValueError(f"{path.name} 第 {line} 行：类型须为 holiday 或 workday")
            if not (row.get("notice") or "").strip():
                raise ValueError(f"{path.name} 第 {line} 行：缺少通知文号或标题")
            rows.append((day, kind, (row.get("name") or "").strip()))
    return rows


@lru_cache(maxsize=1)
def _calendar() -> _Calendar:
    """The merged calendar (built once per process; call ``clear_cache`` after changing the notices)."""
    holidays, workdays = set(chinese_calendar.holidays), set(chinese_calendar.workdays)
    years = {d.year for d in holidays | workdays}
    names = {}
    for day, kind, name in _load_notices(NOTICES):
        holidays.discard(day)
        workdays.discard(day)
        (holidays if kind == "holiday" else workdays).add(day)
        years.add(day.year)
        if kind == "holiday" and day not in chinese_calendar.holidays:
            names[day] = name
    return _Calendar(min(years), max(years), frozenset(holidays), frozenset(workdays), names)


def clear_cache() -> None:
    """Forget the memoised calendar: call after pointing ``NOTICES`` elsewhere (tests)."""
    _calendar.cache_clear()


def known_years() -> tuple[int, int]:
    """First and last year whose holiday arrangements are known."""
    cal = _calendar()
    return cal.first_year, cal.last_year


def first_known_year() -> int:
    """The first year the calendar knows."""
    return known_years()[0]


def last_known_year() -> int:
    """The last year whose holidays are known (the package's data plus the later notices)."""
    return known_years()[1]


def last_known_date() -> dt.date:
    """The last date whose working-day status is known (31 December of the last known year)."""
    return dt.date(last_known_year(), 12, 31)


def _day(day: dt.date) -> dt.date:
    """``day`` as a date, checked to lie in the known years."""
    if isinstance(day, dt.datetime):
        day = day.date()
    first, last = known_years()
    if not first <= day.year <= last:
        raise CalendarUnknown(
            f"{day.isoformat()}：{day.year} 年的法定节假日安排未知（已知 {first}–{last} 年）。"
            f"国务院公布当年节假日安排后，请在 analytics/data/holiday_notices.csv 中补充，或升级 chinesecalendar")
    return day


def is_working_day(day: dt.date) -> bool:
    """True for a working day: a weekday that is not a statutory holiday, or an adjusted working weekend."""
    day, cal = _day(day), _calendar()
    if day in cal.workdays:
        return True
    return day.weekday() < 5 and day not in cal.holidays


def holiday_name(day: dt.date) -> str | None:
    """The statutory holiday ``day`` belongs to ("Spring Festival", "National Day", …), None on other days."""
    day, cal = _day(day), _calendar()
    if day not in cal.holidays:
        return None
    if day in cal.names:
        return cal.names[day] or None
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return name if on_holiday and name else None


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


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after the date ``start``; ``n == 0`` gives ``start`` or the next working day."""
    if n < 0:
        raise ValueError("工作日天数不能为负数")
    day = start
    while n == 0 and not is_working_day(day):
        day += dt.timedelta(days=1)
    while n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative (the count in (end, start]) when ``end`` is before ``start``."""
    if end < start:
        return -workdays_between(end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
