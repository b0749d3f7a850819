"""Green-space indicators against hand-computed answers (definitions in analytics/greenspace.py)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.greenspace import (completion_rate, ratio, weighted_progress, with_event_rates, with_patrol_rates)


@pytest.mark.module(228)
def test_patrol_rates_known_answer():
    # Hand computation: 2 units. A: 40 site-months, 36 patrolled → 0.9; 50 problems, 45 rectified → 0.9,
    # 40 on time → 0.8; 100 patrols → 0.5 problems per patrol. B: no problems → rates unknown (NaN), not 0.
    counts = pd.DataFrame({"sites": [40, 10], "sites_patrolled": [36, 5], "patrols": [100, 8], "problems": [50, 0],
                           "rectified": [45, 0], "rectified_on_time": [40, 0]})
    out = with_patrol_rates(counts)
    assert out.coverage_rate.tolist() == [0.9, 0.5]
    assert out.rectification_rate[0] == 0.9 and math.isnan(out.rectification_rate[1])
    assert out.on_time_rectification_rate[0] == 0.8
    assert out.problem_rate.tolist() == [0.5, 0.0]


@pytest.mark.module(229)
def test_event_rates_known_answer():
    # 20 events, 15 closed (0.75), 12 closed within the deadline (0.6).
    out = with_event_rates(pd.DataFrame({"events": [20], "closed": [15], "closed_on_time": [12]})).iloc[0]
    assert out.closure_rate == 0.75 and out.on_time_rate == 0.6


@pytest.mark.module(226)
def test_weighted_progress_known_answer():
    # A 10 ha park at 50 % and a 2 ha pocket garden at 100 %: (5 + 2) / 12 = 0.58333…, not the plain mean 0.75.
    assert weighted_progress([0.5, 1.0], [10, 2]) == pytest.approx(7 / 12)
    assert math.isnan(weighted_progress([], []))


@pytest.mark.module(227)
def test_completion_rate_known_answer():
    # 3 + 1.5 ha built of 6 + 4 ha planned = 0.45.
    assert completion_rate([3, 1.5], [6, 4]) == pytest.approx(0.45)
    assert math.isnan(completion_rate([0], [0]))
    assert ratio([1, 2], [0, 4]).isna().tolist() == [True, False]
