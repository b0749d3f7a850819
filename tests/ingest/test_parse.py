"""Cell parsers with known answers: every date form the bureau's exports use, Excel serials, 是/否,
numbers with thousands separators, phone numbers."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.parse import (from_excel_serial, parse_bool, parse_datetime, parse_float, parse_int, parse_phone,
                          parse_text)
from tests.ingest.files import excel_serial

D = dt.datetime


@pytest.mark.parametrize("value,expected", [
    ("2025-03-01 08:00:00", D(2025, 3, 1, 8)),
    ("2025-03-01 08:00", D(2025, 3, 1, 8)),
    ("2025-03-01T08:00:00", D(2025, 3, 1, 8)),
    ("2025/3/1 8:00", D(2025, 3, 1, 8)),
    ("2025/03/01", D(2025, 3, 1)),
    ("2025.3.1", D(2025, 3, 1)),
    ("2025年3月1日", D(2025, 3, 1)),
    ("2025年3月1日 8时30分", D(2025, 3, 1, 8, 30)),
    ("2025年3月1日8时", D(2025, 3, 1, 8)),
    ("2025年03月01日 08:30:15", D(2025, 3, 1, 8, 30, 15)),
    ("2025年3月1日 8点30分15秒", D(2025, 3, 1, 8, 30, 15)),
    ("20250301", D(2025, 3, 1)),
    ("20250301083000", D(2025, 3, 1, 8, 30)),
    ("２０２５－０３－０１", D(2025, 3, 1)),  # full-width, as some Chinese input methods type it
    ("2025-03-01T00:30:00+00:00", D(2025, 3, 1, 8, 30)),  # an offset converts to Beijing time
    (45717.33, D(2025, 3, 1, 7, 55, 12)),  # an Excel serial number
    ("45717.33", D(2025, 3, 1, 7, 55, 12)),  # … exported as text
    (45717, D(2025, 3, 1)),
    (20250301, D(2025, 3, 1)),  # 20250301 typed into a number cell
    (D(2025, 3, 1, 8, 0, 0, 600_000), D(2025, 3, 1, 8, 0, 1)),  # an XLSX datetime, to the nearest second
    (dt.date(2025, 3, 1), D(2025, 3, 1)),
])
def test_date_forms(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("value,message", [
    ("2025-13-45", "格式无法识别：'2025-13-45'"),
    ("2025年2月30日", "格式无法识别：'2025年2月30日'"),
    ("2025/3/1 25:00", "格式无法识别：'2025/3/1 25:00'"),
    ("20251301", "格式无法识别：'20251301'"),
    ("明天上午", "格式无法识别：'明天上午'"),
    ("2025-3", "格式无法识别：'2025-3'"),
    ("N/A", "格式无法识别：'N/A'"),
    (True, "格式无法识别：'True'"),
    (dt.time(8, 30), "格式无法识别：'08:30:00'"),
    ("1899-12-31", "超出合理年份范围（1990–2099）：'1899-12-31'"),
    (12.5, "超出合理年份范围（1990–2099）：'12.5'"),  # a small number is no date
    (float("inf"), "格式无法识别：'inf'"),
])
def test_bad_dates(value, message):
    with pytest.raises(ValueError) as err:
        parse_datetime(value)
    assert str(err.value) == message


@given(st.datetimes(min_value=D(1990, 1, 1), max_value=D(2099, 12, 31)).map(lambda d: d.replace(microsecond=0)))
def test_excel_serials_round_trip_to_the_second(moment):
    assert from_excel_serial(excel_serial(moment.strftime("%Y-%m-%d %H:%M:%S"))) == moment


@pytest.mark.parametrize("value,expected", [
    ("是", True), ("否", False), ("Y", True), ("n", False), ("1", True), ("0", False), ("TRUE", True),
    ("false", False), (1, True), (0.0, False), (True, True), ("√", True), (" 是 ", True),
])
def test_booleans(value, expected):
    assert parse_bool(value) is expected


def test_bad_boolean():
    with pytest.raises(ValueError, match="应为 是/否：'也许'"):
        parse_bool("也许")


@pytest.mark.parametrize("value,expected", [
    ("1,234.5", 1234.5), ("12,345,678", 12345678.0), ("121.49", 121.49), ("-0.5", -0.5), (".5", 0.5),
    ("１２１．５", 121.5), (31.2, 31.2), (7, 7.0), (" 3 ", 3.0),
])
def test_numbers(value, expected):
    assert parse_float(value) == expected


@pytest.mark.parametrize("value", ["1,23", "12,3456", "abc", "1.2.3", "nan", "inf", "", True])
def test_bad_numbers(value):
    with pytest.raises(ValueError, match="不是数字"):
        parse_float(value)


def test_integers_and_text():
    assert parse_int("1,234") == 1234 and parse_int(12.0) == 12
    with pytest.raises(ValueError, match="不是整数"):
        parse_int("12.5")
    assert parse_text(310101.0) == "310101" and parse_text("  黄浦区 ") == "黄浦区"


@pytest.mark.parametrize("value,expected", [
    ("138-1234-5678", "13812345678"), ("+86 138 1234 5678", "13812345678"), ("008613812345678", "13812345678"),
    ("8613812345678", "13812345678"), (13812345678.0, "13812345678"), ("021-6321 1234", "02163211234"),
    ("(021)63211234", "02163211234"), ("+86 21 6321 1234", "02163211234"), ("63211234", "63211234"),
    ("95598", "95598"),
])
def test_phones(value, expected):
    assert parse_phone(value) == expected


@pytest.mark.parametrize("value", ["12345", "1381234567", "138123456789", "电话", "0"])
def test_bad_phones(value):
    with pytest.raises(ValueError, match="号码格式不正确"):
        parse_phone(value)
