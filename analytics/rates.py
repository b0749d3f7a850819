"""Indicators of ticket handling, from counts (pure; known-answer tested).

Definitions used on every 12319 board (the three-party evaluation, 三方测评):
- on-time completion rate 按时办结率 = closed within deadline / closed
- response rate 响应率 = evaluations saying the caller was contacted first / evaluations
- resolution rate 解决率 = evaluations saying the problem was solved / evaluations
- satisfaction rate 满意率 = (满意 + 基本满意) / evaluations
- average handling time 平均办理时长 = total hours from receipt to closure / closed
"""
from __future__ import annotations

import pandas as pd

COUNT_COLUMNS = ["received", "closed", "closed_on_time", "supervised", "evaluated", "responded", "resolved",
                 "satisfied", "basically_satisfied", "handling_hours"]
RATE_LABELS = {"on_time_rate": "按时办结率", "response_rate": "响应率", "resolution_rate": "解决率",
               "satisfaction_rate": "满意率", "avg_hours": "平均办理时长（小时）"}


def _ratio(num, den):
    """num / den, NaN where den is 0 (an indicator with no base is unknown, not zero)."""
    den = pd.Series(den, dtype="float64") if not isinstance(den, pd.Series) else den.astype("float64")
    num = pd.Series(num, dtype="float64") if not isinstance(num, pd.Series) else num.astype("float64")
    return (num / den.where(den > 0)).astype("float64")


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the rate columns to a frame of summed counts (one row per group)."""
    out = counts.copy()
    out["on_time_rate"] = _ratio(out["closed_on_time"], out["closed"])
    out["response_rate"] = _ratio(out["responded"], out["evaluated"])
    out["resolution_rate"] = _ratio(out["resolved"], out["evaluated"])
    out["satisfaction_rate"] = _ratio(out["satisfied"] + out["basically_satisfied"], out["evaluated"])
    out["avg_hours"] = _ratio(out["handling_hours"], out["closed"])
    return out


def totals(counts: pd.DataFrame) -> dict:
    """Summed counts and the rates over all rows of ``counts``."""
    summed = counts[COUNT_COLUMNS].sum().to_frame().T
    row = with_rates(summed).iloc[0]
    return {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}


def rank_worst(frame: pd.DataFrame, metric: str, *, n: int = 10, min_base: int = 30,
               base: str = "evaluated") -> pd.DataFrame:
    """The ``n`` groups with the lowest ``metric`` among those with at least ``min_base`` in ``base``
    (small groups would rank by noise); ties broken by the larger base, then by name."""
    eligible = frame[(frame[base] >= min_base) & frame[metric].notna()]
    sort_cols = [metric, base] + (["name"] if "name" in frame.columns else [])
    return eligible.sort_values(sort_cols, ascending=[True, False] + ([True] if "name" in frame.columns else [])).head(n)
