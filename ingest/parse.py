"""Cell parsers for the forms government exports come in: Chinese dates, Excel serial numbers, 是/否,
numbers with thousands separators, phone numbers.

Each parser takes a non-blank cell (text from a CSV, or a typed value from an XLSX cell) and returns the
clean value, or raises ``ValueError`` whose message is the Chinese problem without the column name
(``schema.reason_of`` prefixes the header): ``格式无法识别：'2025-13-45'``.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from security.columns import national_phone_digits

# Excel's 1900 date system counts days from 1899-12-30 (so that its phantom 1900-02-29 cancels out for
# every date after February 1900, which is all that matters here).
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Plausible years for the bureau's records: a date outside them is a typo or a mis-read serial number.
MIN_YEAR, MAX_YEAR = 1990, 2099
BEIJING = dt.timezone(dt.timedelta(hours=8))

_TIME = (r"(?:[ T]*(?P<hour>\d{1,2})(?:[:：](?P<minute>\d{1,2})(?:[:：](?P<second>\d{1,2})(?:\.\d+)?)?"
         r"|[时点](?:(?P<minute_cn>\d{1,2})分?(?:(?P<second_cn>\d{1,2})秒?)?)?))?")
_FORMS = [
    re.compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]?" + _TIME),  # 2025年3月1日 8时30分
    re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})" + _TIME),  # 2025/3/1 8:00
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
               r"(?:[ T]?(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?)?"),  # 20250301, 20250301083000
]
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")  # an Excel serial number that travelled as text (1973-2173)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
TRUE = frozenset({"是", "y", "yes", "true", "t", "1", "√", "有", "对"})
FALSE = frozenset({"否", "n", "no", "false", "f", "0", "×", "无", "不"})


def blank(value) -> bool:
    """True for an empty cell: None, blank text, or NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _quote(value) -> str:
    text = value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, dt.datetime) else str(value)
    return f"'{text[:60]}'"


def _in_range(moment: dt.datetime, original) -> dt.datetime:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(f"超出合理年份范围（{MIN_YEAR}–{MAX_YEAR}）：{_quote(original)}")
    return moment


def from_excel_serial(serial: float) -> dt.datetime:
    """The datetime of an Excel serial day number (1900 system), to the nearest second."""
    return EXCEL_EPOCH + dt.timedelta(seconds=round(serial * 86400))


def parse_datetime(value) -> dt.datetime:
    """A naive Beijing-time datetime (to the second) from a datetime, an Excel serial or a text form.

    Accepted text: ``2025-03-01 08:00:00``, ``2025/3/1 8:00``, ``2025.3.1``, ``2025年3月1日``,
    ``2025年3月1日 8时30分``, ``20250301``, ``20250301083000``, ISO 8601 with an offset, and serial numbers
    like ``45717.33``. Raises ``ValueError`` (Chinese) otherwise.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(BEIJING).replace(tzinfo=None)
        moment = value + dt.timedelta(microseconds=500_000) if value.microsecond >= 500_000 else value
        return _in_range(moment.replace(microsecond=0), value)
    if isinstance(value, dt.date):
        return _in_range(dt.datetime.combine(value, dt.time()), value)
    if isinstance(value, bool) or isinstance(value, dt.time):
        raise ValueError(f"格式无法识别：{_quote(value)}")
    if isinstance(value, (int, float)):
        if math.isfinite(value) and value == int(value) and 19000101 <= value <= 20991231:
            return parse_datetime(str(int(value)))  # 20250301 typed into a number cell
        if not math.isfinite(value) or not 1 <= value < 2958466:
            raise ValueError(f"格式无法识别：{_quote(value)}")
        return _in_range(from_excel_serial(float(value)), value)
    text = str(value).strip()
    if len(text) in (10, 16, 19) and text[4:5] == "-":  # the common ISO form: C speed, no regex
        try:
            return parse_datetime(dt.datetime.fromisoformat(text))
        except ValueError:
            pass
    text = unicodedata.normalize("NFKC", text)
    if _SERIAL.fullmatch(text):
        return parse_datetime(float(text))
    for form in _FORMS:
        m = form.fullmatch(text)
        if m:
            g = {k: int(v) for k, v in m.groupdict().items() if v}
            try:
                moment = dt.datetime(g["year"], g["month"], g["day"], g.get("hour", 0),
                                     g.get("minute", g.get("minute_cn", 0)), g.get("second", g.get("second_cn", 0)))
            except ValueError:  # month 13, day 45, hour 25 …
                raise ValueError(f"格式无法识别：{_quote(value)}") from None
            return _in_range(moment, value)
    try:  # ISO 8601 with a UTC offset, e.g. from an API export
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"格式无法识别：{_quote(value)}") from None
    return parse_datetime(moment)


def parse_bool(value) -> bool:
    """是/否, Y/N, yes/no, 1/0, TRUE/FALSE (any case), √/×, or an XLSX boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"应为 是/否：{_quote(value)}")


def parse_float(value) -> float:
    """A finite number; text may use thousands separators (``1,234.5``) and full-width digits."""
    if isinstance(value, bool):
        raise ValueError(f"不是数字：{_quote(value)}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).translate(_FULL_WIDTH).strip().replace(" ", "")
        if not re.fullmatch(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[+-]?\.\d+", text):
            raise ValueError(f"不是数字：{_quote(value)}")
        number = float(text.replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(f"不是数字：{_quote(value)}")
    return number


def parse_int(value) -> int:
    """A whole number (``1,234`` allowed; ``12.0`` from a spreadsheet allowed, ``12.5`` not)."""
    number = parse_float(value)
    if number != int(number):
        raise ValueError(f"不是整数：{_quote(value)}")
    return int(number)


def parse_text(value) -> str:
    """Trimmed text; a whole number from a spreadsheet cell loses its ``.0`` (codes typed as numbers)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip()


_PHONE_SEPARATORS = re.compile(r"[\s\-‐-―−－()（）]")


def parse_phone(value) -> str:
    """A phone number as digits: ``+86 138-1234-5678`` → ``13812345678``; ``021-6123 4567`` → ``02161234567``.

    Mobile numbers (11 digits from 13…19), landlines with their area code (0 + 9–11 digits), local
    7–8-digit numbers and 5-digit service numbers are accepted.
    """
    text = unicodedata.normalize("NFKC", parse_text(value))
    digits = national_phone_digits(_PHONE_SEPARATORS.sub("", text))
    if not re.fullmatch(r"1[3-9]\d{9}|0\d{9,11}|[1-9]\d{6,7}|95\d{3}|96\d{3}", digits):
        raise ValueError(f"号码格式不正确：{_quote(value)}")
    return digits
