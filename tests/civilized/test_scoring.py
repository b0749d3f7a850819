"""Known answers of the scoring, ranking and elimination rules (analytics/civilized.py), computed by hand."""
from __future__ import annotations

import pytest

from analytics.civilized import (Entry, Hit, IndicatorSpec, apply_negative, category_maxima, combine_stages,
                                 rank_and_eliminate, score_error, stage_total, validate_tree)


def _outcomes(entries, ratio, threshold=None):
    return {o.key: (o.rank, o.eliminated) for o in rank_and_eliminate(entries, ratio, threshold)}


@pytest.mark.module(4)
def test_tree_validation():
    good = [IndicatorSpec("1.1", "组织领导", 40), IndicatorSpec("1.2", "组织领导", 20, 1.5), IndicatorSpec("2.1", "志愿服务", 30)]
    assert validate_tree(good) == []  # 40 + 20 × 1.5 + 30 = 100
    assert category_maxima(good) == {"组织领导": 70.0, "志愿服务": 30.0}
    bad = [IndicatorSpec("1.1", "组织领导", 40), IndicatorSpec("1.1", "", 0), IndicatorSpec("2.1", "志愿服务", 30, 0)]
    problems = validate_tree(bad)
    assert "指标编号 1.1 重复" in problems and "指标 1.1 未归入类别" in problems
    assert "指标 1.1 的满分须大于 0" in problems and "指标 2.1 的权重须大于 0" in problems
    assert "加权满分合计为 40，应为 100" in problems  # 40 + 0 + 30 × 0
    assert validate_tree([]) == ["评价体系中没有任何指标"]


@pytest.mark.module(7)
def test_score_bounds():
    assert score_error(0, 5) is None and score_error(5, 5) is None
    assert score_error(-0.5, 5) == "得分须在 0 到 5 之间"
    assert score_error(5.5, 5) == "得分须在 0 到 5 之间"
    assert score_error(float("nan"), 5) is not None


@pytest.mark.module(10)
def test_final_score_weighted_minus_deductions():
    specs = [IndicatorSpec("a", "x", 60), IndicatorSpec("b", "x", 20, 2.0)]
    # association: 50 + 2 × 15 = 80; bureau: 54 + 2 × 18 = 90
    assoc = stage_total({"a": 50, "b": 15}, specs)
    bureau = stage_total({"a": 54, "b": 18}, specs)
    assert (assoc, bureau) == (80.0, 90.0)
    reviewed = combine_stages({"association": assoc, "bureau": bureau}, 0.4)
    assert reviewed == pytest.approx(0.4 * 80 + 0.6 * 90)  # = 86
    assert combine_stages({"bureau": 90.0}, 0.4) == 90.0  # a directly affiliated unit: bureau alone
    assert apply_negative(86.0, [Hit("deduction", 2), Hit("deduction", 3)]) == (81.0, False)
    assert apply_negative(86.0, [Hit("deduction", 2), Hit("veto")]) == (84.0, True)
    assert apply_negative(1.0, [Hit("deduction", 5)]) == (0.0, False)  # never below 0


@pytest.mark.module(10)
def test_bottom_ratio_elimination_without_ties():
    # 10 units, ratio 0.2 → ⌊10 × 0.2⌋ = 2 eliminated: the two lowest (keys 9 and 10)
    entries = [Entry(k, 100 - k) for k in range(1, 11)]
    out = _outcomes(entries, 0.2)
    assert [k for k, (_r, e) in out.items() if e] == [9, 10]
    assert out[1] == (1, False) and out[10] == (10, True)


@pytest.mark.module(10)
def test_tie_at_cut_line_keeps_the_whole_group():
    # scores 95, 90, 85, 80, 80, 80 ; ratio 0.34 → k = ⌊6 × 0.34⌋ = 2 → cut after position 4 (0-based 3),
    # positions 4 and 5 score 80 like position 3 → the whole 80 group is kept: nobody eliminated.
    entries = [Entry(1, 95), Entry(2, 90), Entry(3, 85), Entry(4, 80), Entry(5, 80), Entry(6, 80)]
    out = rank_and_eliminate(entries, 0.34)
    assert [(o.key, o.rank, o.eliminated) for o in out] == [
        (1, 1, False), (2, 2, False), (3, 3, False), (4, 4, False), (5, 4, False), (6, 4, False)]
    assert out[4].reason == "与淘汰线上单位同分，按并列规则保留"


@pytest.mark.module(10)
def test_tie_below_cut_line_is_eliminated_together():
    # scores 95, 90, 70, 70 ; ratio 0.5 → k = 2: positions 2, 3 (both 70) are below the last kept (90) → both out
    entries = [Entry(1, 95), Entry(2, 90), Entry(3, 70), Entry(4, 70.004)]
    out = _outcomes(entries, 0.5)
    assert out == {1: (1, False), 2: (2, False), 3: (3, True), 4: (3, True)}  # 70.004 rounds to 70.00: tied


@pytest.mark.module(10)
def test_competition_ranking_and_rounding():
    # 88.004 and 88.001 both round to 88.00: same rank 1; next is rank 3 ("1, 1, 3")
    out = _outcomes([Entry(1, 88.004), Entry(2, 88.001), Entry(3, 87)], 0.0)
    assert out == {1: (1, False), 2: (1, False), 3: (3, False)}


@pytest.mark.module(11)
def test_threshold_and_veto():
    # ratio 0.1 of 5 ranked → k = 0; threshold 60 eliminates 59.5; the veto is eliminated unranked
    entries = [Entry(1, 92), Entry(2, 75), Entry(3, 59.5), Entry(4, 61), Entry(5, 80), Entry(6, 99, vetoed=True)]
    out = {o.key: o for o in rank_and_eliminate(entries, 0.1, 60.0)}
    assert out[3].eliminated and out[3].reason == "综合得分低于淘汰线 60 分"
    assert out[6].eliminated and out[6].rank is None and out[6].reason == "负面清单一票否决"
    assert [k for k, o in out.items() if not o.eliminated] == [1, 5, 2, 4]
    assert out[4].rank == 4


@pytest.mark.module(11)
def test_ratio_bounds_and_empty():
    assert rank_and_eliminate([], 0.1) == []
    with pytest.raises(ValueError):
        rank_and_eliminate([Entry(1, 1)], 1.0)
