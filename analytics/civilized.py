"""Scoring, ranking and bottom-ranked elimination of civilized units (modules 4, 10, 11).

The rules (also in docs/civilized-units.md):

* Indicator tree: every indicator has a maximum score > 0 and a weight > 0; the weighted maxima
  Σ weightᵢ × maxᵢ must add up to the version's total (100 by default); codes are unique.
* A stage's total (the unit itself, its association, the bureau) is Σ weightᵢ × scoreᵢ, 0 ≤ scoreᵢ ≤ maxᵢ.
* Final score = the reviewer stages' totals weighted by the cycle's stage weights (association w, bureau
  1 − w; a directly affiliated unit has no association stage, so the bureau's total counts alone), minus
  the negative-list deductions, never below 0. A veto hit eliminates the unit whatever its score.
* Ranking: scores rounded to two decimals; equal scores share a rank (competition ranking 1, 2, 2, 4).
* Elimination: vetoed units first (unranked); of the n ranked units, the bottom k = ⌊n × ratio⌋ are
  eliminated, and every unit below the threshold (when one is configured). Tie rule: when the cut line
  falls inside a group of equal scores, the whole group is kept, so fewer than k may be eliminated —
  nobody is eliminated by a tie that no rule of the evaluation can break.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

TOLERANCE = 1e-6


@dataclass(frozen=True)
class IndicatorSpec:
    """What validation and totals need of an indicator."""

    code: str
    category: str
    max_score: float
    weight: float = 1.0


def validate_tree(indicators: Sequence[IndicatorSpec], total: float = 100.0) -> list[str]:
    """Chinese error messages; an empty list means the tree may be published."""
    errors: list[str] = []
    if not indicators:
        return ["评价体系中没有任何指标"]
    seen: set[str] = set()
    for ind in indicators:
        if ind.code in seen:
            errors.append(f"指标编号 {ind.code} 重复")
        seen.add(ind.code)
        if not ind.category.strip():
            errors.append(f"指标 {ind.code} 未归入类别")
        if ind.max_score <= 0:
            errors.append(f"指标 {ind.code} 的满分须大于 0")
        if ind.weight <= 0:
            errors.append(f"指标 {ind.code} 的权重须大于 0")
    weighted = sum(i.max_score * i.weight for i in indicators)
    if abs(weighted - total) > TOLERANCE:
        errors.append(f"加权满分合计为 {weighted:g}，应为 {total:g}")
    return errors


def category_maxima(indicators: Iterable[IndicatorSpec]) -> dict[str, float]:
    """Weighted maximum of each category (for display and validation)."""
    out: dict[str, float] = {}
    for ind in indicators:
        out[ind.category] = out.get(ind.category, 0.0) + ind.max_score * ind.weight
    return out


def score_error(score: float, max_score: float) -> str | None:
    """Why a score may not be entered (outside [0, max]), or None."""
    if score is None or math.isnan(score) or score < 0 or score > max_score + TOLERANCE:
        return f"得分须在 0 到 {max_score:g} 之间"
    return None


def stage_total(scores: Mapping[str, float], indicators: Sequence[IndicatorSpec]) -> float:
    """Σ weightᵢ × scoreᵢ over the indicators (a missing score counts 0)."""
    return sum(ind.weight * float(scores.get(ind.code, 0.0)) for ind in indicators)


def combine_stages(totals: Mapping[str, float], association_weight: float) -> float:
    """Weighted reviewer total: association w, bureau 1 − w; a single present stage counts alone."""
    weights = {"association": association_weight, "bureau": 1.0 - association_weight}
    present = {k: v for k, v in totals.items() if k in weights and v is not None}
    if not present:
        raise ValueError("no reviewer score")
    w = sum(weights[k] for k in present)
    if w <= 0:
        return sum(present.values()) / len(present)
    return sum(weights[k] * v for k, v in present.items()) / w


@dataclass(frozen=True)
class Hit:
    """A negative-list hit: its effect ("veto" or "deduction") and the points deducted."""

    effect: str
    deduction: float = 0.0


def apply_negative(score: float, hits: Iterable[Hit]) -> tuple[float, bool]:
    """(score after deductions, never below 0; vetoed?)."""
    hits = list(hits)
    vetoed = any(h.effect == "veto" for h in hits)
    deducted = sum(h.deduction for h in hits if h.effect == "deduction")
    return max(0.0, score - deducted), vetoed


@dataclass(frozen=True)
class Entry:
    """One unit entering the ranking."""

    key: int
    score: float
    vetoed: bool = False


@dataclass(frozen=True)
class Outcome:
    """The result for one unit: its rank (None when vetoed), kept or eliminated, and why."""

    key: int
    score: float
    rank: int | None
    eliminated: bool
    reason: str


def rank_and_eliminate(entries: Sequence[Entry], ratio: float, threshold: float | None = None) -> list[Outcome]:
    """Rank by score (ties share a rank) and eliminate by ratio and threshold under the tie rule."""
    if not 0 <= ratio < 1:
        raise ValueError("ratio must be in [0, 1)")
    ranked = sorted((e for e in entries if not e.vetoed), key=lambda e: (-round(e.score, 2), e.key))
    n = len(ranked)
    k = math.floor(n * ratio + TOLERANCE)
    rounded = [round(e.score, 2) for e in ranked]
    ranks: list[int] = []
    for i, s in enumerate(rounded):
        ranks.append(ranks[-1] if i and s == rounded[i - 1] else i + 1)
    cut = n - k  # positions >= cut are eliminated, unless their score ties the last kept one
    out: list[Outcome] = []
    for i, e in enumerate(ranked):
        by_ratio = i >= cut and not (cut > 0 and rounded[i] == rounded[cut - 1])
        below = threshold is not None and rounded[i] < threshold
        if below:
            reason = f"综合得分低于淘汰线 {threshold:g} 分"
        elif by_ratio:
            reason = f"排名位于末尾 {ratio:.0%}（共 {n} 家，淘汰 {k} 家）"
        else:
            reason = "保留" if k == 0 or i < cut else "与淘汰线上单位同分，按并列规则保留"
        out.append(Outcome(e.key, rounded[i], ranks[i], by_ratio or below, reason))
    out.extend(Outcome(e.key, round(e.score, 2), None, True, "负面清单一票否决")
               for e in sorted((e for e in entries if e.vetoed), key=lambda e: e.key))
    return out
