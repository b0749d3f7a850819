"""Trend and change-point tests of monitored series (module 232).

* Mann-Kendall: S = Σ_{i<j} sgn(xⱼ − xᵢ); Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 with t the sizes of
  tied groups; Z = (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, else 0; two-sided p = 2(1 − Φ(|Z|))
  (Mann 1945, Kendall 1975; Hipel & McLeod 1994, §23.3).
* Sen's slope: the median of pairwise slopes (Sen 1968), from ``scipy.stats.theilslopes``.
* Pettitt: U_t = Σ_{i≤t} Σ_{j>t} sgn(xⱼ − xᵢ), K = max |U_t| at the change point t (the last point of the
  first segment), p ≈ 2 exp(−6K² / (n³ + n²)) (Pettitt 1979).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, theilslopes


@dataclass(frozen=True)
class MannKendall:
    """The Mann-Kendall statistic, its variance, Z, two-sided p, Sen's slope and the verdict."""

    s: int
    var_s: float
    z: float
    p: float
    slope: float
    trend: str  # 上升 / 下降 / 无显著趋势


@dataclass(frozen=True)
class Pettitt:
    """Pettitt's change point: index of the last point before the change, K and its approximate p."""

    index: int
    k: int
    p: float


def mann_kendall(values, alpha: float = 0.05) -> MannKendall:
    """Mann-Kendall test with the tie correction, and Sen's slope (per step of the series)."""
    x = np.asarray(values, dtype=float)
    n = x.size
    if n < 3:
        return MannKendall(0, 0.0, 0.0, 1.0, float("nan"), "无显著趋势")
    diff = x[None, :] - x[:, None]
    s = int(np.sign(diff[np.triu_indices(n, 1)]).sum())
    _, ties = np.unique(x, return_counts=True)
    var_s = (n * (n - 1) * (2 * n + 5) - float(np.sum(ties * (ties - 1) * (2 * ties + 5)))) / 18.0
    z = 0.0 if s == 0 or var_s <= 0 else (s - np.sign(s)) / np.sqrt(var_s)
    p = float(2 * (1 - norm.cdf(abs(z))))
    slope = float(theilslopes(x)[0])
    trend = "无显著趋势" if p >= alpha else ("上升" if s > 0 else "下降")
    return MannKendall(s, float(var_s), float(z), p, slope, trend)


def pettitt(values) -> Pettitt:
    """Pettitt's non-parametric test for a single change point in the median."""
    x = np.asarray(values, dtype=float)
    n = x.size
    if n < 3:
        return Pettitt(-1, 0, 1.0)
    sgn = np.sign(x[None, :] - x[:, None])  # sgn[i, j] = sgn(xⱼ − xᵢ)
    u = np.array([sgn[: t + 1, t + 1:].sum() for t in range(n - 1)])
    t = int(np.argmax(np.abs(u)))
    k = int(abs(u[t]))
    p = float(min(1.0, 2 * np.exp(-6.0 * k * k / (n ** 3 + n ** 2))))
    return Pettitt(t, k, p)
