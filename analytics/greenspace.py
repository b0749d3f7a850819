"""Indicators of green-space construction and maintenance, from counts (pure; known-answer tested).

Definitions used on the green-space board (绿建专题看板):
- patrol coverage 巡查覆盖率 = sites patrolled at least once in a month / sites under maintenance, summed over
  months (a site-month is the unit, so a quarter's coverage is the share of site-months patrolled)
- rectification rate 整改率 = problems rectified / problems found
- on-time rectification rate 按期整改率 = problems rectified by their deadline / problems found
- problem density 问题发现率 = problems found / patrols
- area-weighted progress 建设进度 = Σ(progress × planned area) / Σ planned area (a large park counts for more
  than a pocket garden, as in the bureau's progress reports)
- area completion 建成率 = completed area / planned area
- closure rate 办结率 and on-time closure rate 按时办结率 of supervision events = closed / events and
  closed within deadline / events
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd


def ratio(num, den):
    """num / den elementwise as float, NaN where den is 0 (an indicator with no base is unknown, not zero)."""
    num = pd.Series(num, dtype="float64") if not isinstance(num, pd.Series) else num.astype("float64")
    den = pd.Series(den, dtype="float64") if not isinstance(den, pd.Series) else den.astype("float64")
    return num / den.where(den > 0)


def scalar_ratio(num: float, den: float) -> float:
    """num / den for single totals, NaN when den is 0."""
    return float(num) / float(den) if den else float("nan")


def with_patrol_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Add coverage, rectification, on-time rectification and problem density to summed patrol counts."""
    out = counts.copy()
    out["coverage_rate"] = ratio(out["sites_patrolled"], out["sites"])
    out["rectification_rate"] = ratio(out["rectified"], out["problems"])
    out["on_time_rectification_rate"] = ratio(out["rectified_on_time"], out["problems"])
    out["problem_rate"] = ratio(out["problems"], out["patrols"])
    return out


def with_event_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Add closure and on-time closure rates to summed supervision-event counts."""
    out = counts.copy()
    out["closure_rate"] = ratio(out["closed"], out["events"])
    out["on_time_rate"] = ratio(out["closed_on_time"], out["events"])
    return out


def weighted_progress(progress: Sequence[float], area: Sequence[float]) -> float:
    """Area-weighted construction progress (0–1); NaN when there is no planned area."""
    p, a = np.asarray(progress, dtype=float), np.asarray(area, dtype=float)
    total = a.sum()
    return float((p * a).sum() / total) if total > 0 else float("nan")


def completion_rate(completed_area: Sequence[float], planned_area: Sequence[float]) -> float:
    """Completed area over planned area (0–1); NaN when nothing is planned."""
    return scalar_ratio(float(np.sum(completed_area)), float(np.sum(planned_area)))
