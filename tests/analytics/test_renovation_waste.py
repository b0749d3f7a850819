"""Renovation-waste rules and indicators against hand-computed answers (each case says how it was computed)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from analytics import renovation_waste as rw


@pytest.mark.module(239)
def test_clearance_hours_and_mean():
    # 08:00 → 10:30 the same day is 2.5 h; 2019-01-10 08:00 → 2019-01-12 08:00 is 48 h; mean (2.5 + 48) / 2.
    requested = np.array(["2019-01-10T08:00", "2019-01-10T08:00"], dtype="datetime64[s]")
    cleared = np.array(["2019-01-10T10:30", "2019-01-12T08:00"], dtype="datetime64[s]")
    hours = rw.clearance_hours(requested, cleared)
    assert hours.tolist() == [2.5, 48.0]
    assert rw.mean_hours(hours.sum(), 2) == 25.25
    assert math.isnan(rw.mean_hours(0.0, 0))


@pytest.mark.module(240)
def test_load_rate_bands_and_histogram():
    # 900 t over 3 days at 400 t/day: 900 / 1200 = 0.75; a single day of 520 t at 400 t/day is 1.3.
    assert rw.load_rate(900.0, 400.0, 3) == pytest.approx(0.75)
    assert rw.load_rate(520.0, 400.0) == pytest.approx(1.3)
    # bands: <0.6 → 0, [0.6, 0.85) → 1, [0.85, 1.0) → 2, ≥1.0 → 3 (0.6 and 1.0 belong to the upper band)
    assert rw.load_band(np.array([0.2, 0.6, 0.84, 0.85, 0.99, 1.0, 1.7])).tolist() == [0, 1, 1, 2, 2, 3, 3]
    # 10 % bins up to 150 %: 0.05 → bin 0, 0.75 and 0.79 → bin 7, 1.0 → bin 10, 2.3 → last bin (14)
    lows, counts = rw.load_histogram(np.array([0.05, 0.75, 0.79, 1.0, 2.3]))
    assert len(lows) == 15 and lows[7] == pytest.approx(0.7)
    assert counts.tolist() == [1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0, 0, 0, 1]


@pytest.mark.module(238)
def test_warning_rules_and_levels():
    # overfull at ≥ 100 % fill; overdue strictly past 48 h; missing weighing = no weight
    assert rw.overfull(np.array([0.99, 1.0, 1.3])).tolist() == [False, True, True]
    assert rw.overdue_clearance(np.array([47.9, 48.0, 48.1])).tolist() == [False, False, True]
    assert rw.missing_weighing(np.array([3.2, np.nan, 0.0])).tolist() == [False, True, False]
    assert rw.warning_level("满溢", 1.05) == "一般" and rw.warning_level("满溢", 1.2) == "严重"
    assert rw.warning_level("清运超时", 60) == "较重" and rw.warning_level("清运超时", 97) == "严重"
    assert rw.warning_level("偷倒乱倒", 0) == "严重" and rw.warning_level("未称重", 0) == "较重"


@pytest.mark.module(241)
def test_violation_rules():
    # route: > 2 km; overweight: > 110 % of rated load (5 t → 5.5 t limit; unweighed never judged);
    # banned hours [7, 9) and [17, 19): 6 and 9 and 19 are allowed, 7, 8, 17, 18 are not.
    assert rw.route_deviation(np.array([0.3, 2.0, 2.01])).tolist() == [False, False, True]
    assert rw.overweight(np.array([5.5, 5.51, np.nan]), np.array([5.0, 5.0, 5.0])).tolist() == [False, True, False]
    assert rw.in_banned_hours(np.array([6, 7, 8, 9, 16, 17, 18, 19])).tolist() == [
        False, True, True, False, False, True, True, False]
    assert rw.unregistered_vehicle(np.array(["沪A12345", "沪B99999"]), {"沪A12345"}).tolist() == [False, True]
    strict = rw.Rules(deviation_km=0.5)  # thresholds are data: a stricter rule flags more
    assert rw.route_deviation(np.array([0.6]), strict).tolist() == [True]


@pytest.mark.module(237)
def test_change_rate_and_trend():
    # 120 against 100 the year before: +20 %; slope of 10, 12, 14, 16 is 2 per step;
    # slope of 3, 1, 2: x̄ = 1, ȳ = 2, Σ(x−x̄)(y−ȳ) = (−1)(1) + 0 + (1)(0) = −1, Σ(x−x̄)² = 2 → −0.5
    assert rw.change_rate(120, 100) == pytest.approx(0.2)
    assert math.isnan(rw.change_rate(5, 0))
    assert rw.linear_trend(np.array([10, 12, 14, 16])) == pytest.approx(2.0)
    assert rw.linear_trend(np.array([3, 1, 2])) == pytest.approx(-0.5)
    assert math.isnan(rw.linear_trend(np.array([3.0])))  # one value has no slope
