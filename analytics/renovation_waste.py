"""Renovation-waste rules and indicators: clearance hours, facility load rates, the supervision warning rules
and the transport violation rules, with every threshold kept as data in ``RULES``.

The generator applies these rules to its simulated trips, an importer applies them to real weighbridge and
GPS records, and the boards compute their indicators with them, so one definition serves all three.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Rules:
    """Thresholds of the warning and violation rules (the bureau's working rules for the supervision board)."""

    overfull_ratio: float = 1.0  # a point reporting ≥ 100 % fill is overfull (满溢)
    severe_overfull_ratio: float = 1.2  # ≥ 120 %: waste spills outside the enclosure
    overdue_hours: float = 48.0  # clearance later than 48 h after the request (清运超时)
    severe_overdue_hours: float = 96.0
    deviation_km: float = 2.0  # farther than 2 km off the approved route (偏离路线)
    overweight_factor: float = 1.1  # net load above 110 % of the rated load: 10 % for weighbridge error
    banned_hours: tuple[tuple[int, int], ...] = ((7, 9), (17, 19))  # peak-hour ban on the roads [start, end)
    clearance_targets_h: tuple[int, ...] = (12, 24, 48)  # the efficiency board's "cleared within" bands


RULES = Rules()
# Facility load-rate bands (lower bounds) and their labels: under-used, normal, high, overloaded.
LOAD_BANDS = (0.0, 0.6, 0.85, 1.0)
LOAD_BAND_LABELS = ("<60%", "60%–85%", "85%–100%", "≥100%")


def clearance_hours(requested: np.ndarray, cleared: np.ndarray) -> np.ndarray:
    """Hours from the clearance request to the clearance (datetime64 arrays in, float hours out)."""
    delta = np.asarray(cleared, dtype="datetime64[s]") - np.asarray(requested, dtype="datetime64[s]")
    return delta.astype(np.int64) / 3600.0


def mean_hours(total_hours: float, count: int) -> float:
    """Average hours from a rollup's sum and count; NaN when nothing was cleared."""
    return total_hours / count if count else float("nan")


def load_rate(weight_t: np.ndarray | float, capacity_t_per_day: np.ndarray | float,
              days: np.ndarray | float = 1) -> np.ndarray | float:
    """Load rate (负荷率): tonnes received divided by what the design capacity allows in ``days`` days."""
    return np.divide(weight_t, np.multiply(capacity_t_per_day, days))


def load_band(rate: np.ndarray) -> np.ndarray:
    """Index into ``LOAD_BAND_LABELS`` for each load rate."""
    return np.searchsorted(np.asarray(LOAD_BANDS[1:]), np.asarray(rate, dtype=float), side="right")


def load_histogram(rates: np.ndarray, *, width: float = 0.1, top: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    """Counts of load rates in bins of ``width`` from 0 to ``top``; the last bin collects everything above.

    Returns (bin lower bounds, counts).
    """
    edges = np.round(np.arange(0.0, top + width / 2, width), 6)
    clipped = np.minimum(np.asarray(rates, dtype=float), top - width / 2)
    counts, _ = np.histogram(clipped, bins=edges)
    return edges[:-1], counts


# ------------------------------------------------------------------------------------------ warnings
def overfull(fill_ratio: np.ndarray, rules: Rules = RULES) -> np.ndarray:
    """Points that asked for clearance at or above the overfull ratio."""
    return np.asarray(fill_ratio) >= rules.overfull_ratio


def overdue_clearance(hours: np.ndarray, rules: Rules = RULES) -> np.ndarray:
    """Clearances later than the allowed hours after the request."""
    return np.asarray(hours) > rules.overdue_hours


def missing_weighing(weight_t: np.ndarray) -> np.ndarray:
    """Trips that reached a facility without a net weight (NaN or None)."""
    return np.isnan(np.asarray(weight_t, dtype=float))


def warning_level(kind: str, value: float, rules: Rules = RULES) -> str:
    """一般 / 较重 / 严重 for a warning of ``kind`` with its measured ``value`` (fill ratio or hours)."""
    if kind == "满溢":
        return "严重" if value >= rules.severe_overfull_ratio else "一般"
    if kind == "清运超时":
        return "严重" if value > rules.severe_overdue_hours else "较重"
    if kind == "偷倒乱倒":
        return "严重"
    return "较重"  # 未称重: the tonnage of the trip is unknown


# ------------------------------------------------------------------------------------------ violations
def route_deviation(deviation_km: np.ndarray, rules: Rules = RULES) -> np.ndarray:
    """Trips that strayed farther than allowed from the approved route."""
    return np.asarray(deviation_km) > rules.deviation_km


def unregistered_vehicle(plates: np.ndarray, registered: set[str]) -> np.ndarray:
    """Trips by vehicles missing from the registry (未备案车辆)."""
    return np.array([p not in registered for p in plates], dtype=bool)


def overweight(weight_t: np.ndarray, capacity_t: np.ndarray, rules: Rules = RULES) -> np.ndarray:
    """Trips whose net load exceeds the rated load times the tolerance (unweighed trips are not judged)."""
    w = np.asarray(weight_t, dtype=float)
    return np.nan_to_num(w, nan=0.0) > np.asarray(capacity_t, dtype=float) * rules.overweight_factor


def in_banned_hours(hour_of_day: np.ndarray, rules: Rules = RULES) -> np.ndarray:
    """Departures (hour of day, 0–23) inside a banned window [start, end)."""
    h = np.asarray(hour_of_day)
    out = np.zeros(h.shape, dtype=bool)
    for start, end in rules.banned_hours:
        out |= (h >= start) & (h < end)
    return out


# ------------------------------------------------------------------------------------------ trends
def change_rate(current: float, previous: float) -> float:
    """Relative change (同比/环比) of ``current`` over ``previous``; NaN without a base."""
    return (current - previous) / previous if previous else float("nan")


def linear_trend(values: np.ndarray) -> float:
    """Least-squares slope per step of a series (e.g. tonnes per month), NaN for fewer than two values."""
    y = np.asarray(values, dtype=float)
    if y.size < 2:
        return float("nan")
    x = np.arange(y.size, dtype=float)
    return float(((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum())
