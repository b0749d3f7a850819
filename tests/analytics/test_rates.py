"""Ticket-handling indicators with hand-computed answers."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.rates import rank_worst, totals, with_rates

pytestmark = pytest.mark.module(215)


def _counts(**kw):
    base = dict(received=0, closed=0, closed_on_time=0, supervised=0, evaluated=0, responded=0, resolved=0,
                satisfied=0, basically_satisfied=0, handling_hours=0.0)
    base.update(kw)
    return base


def test_rates_known_answers():
    df = pd.DataFrame([_counts(received=10, closed=8, closed_on_time=6, evaluated=5, responded=5, resolved=4,
                               satisfied=3, basically_satisfied=1, handling_hours=96.0)])
    r = with_rates(df).iloc[0]
    assert r.on_time_rate == pytest.approx(6 / 8)
    assert r.response_rate == pytest.approx(1.0)
    assert r.resolution_rate == pytest.approx(4 / 5)
    assert r.satisfaction_rate == pytest.approx(4 / 5)  # 满意 + 基本满意 over evaluations
    assert r.avg_hours == pytest.approx(12.0)


def test_no_base_is_unknown_not_zero():
    r = with_rates(pd.DataFrame([_counts(received=3)])).iloc[0]
    assert math.isnan(r.on_time_rate) and math.isnan(r.satisfaction_rate)


def test_totals_sum_before_dividing():
    """Rates of a total are ratios of sums, not means of ratios."""
    df = pd.DataFrame([_counts(closed=1, closed_on_time=1), _counts(closed=9, closed_on_time=0)])
    assert totals(df)["on_time_rate"] == pytest.approx(0.1)


def test_rank_worst_skips_small_groups_and_breaks_ties():
    frame = with_rates(pd.DataFrame([
        dict(_counts(evaluated=100, satisfied=60), name="甲"),
        dict(_counts(evaluated=10, satisfied=1), name="小"),  # below the base: left out
        dict(_counts(evaluated=200, satisfied=120), name="乙"),  # same rate as 甲, larger base first
        dict(_counts(evaluated=50, satisfied=45), name="丙"),
    ]))
    worst = rank_worst(frame, "satisfaction_rate", n=3, min_base=30)
    assert list(worst.name) == ["乙", "甲", "丙"]
