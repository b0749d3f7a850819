"""Mann-Kendall, Sen's slope and Pettitt against hand-computed values (module 232)."""
from __future__ import annotations

import pytest

from analytics.trend import mann_kendall, pettitt


@pytest.mark.module(232)
def test_mann_kendall_strictly_increasing():
    # x = 1..5: all 10 pairs rise → S = 10; Var = 5·4·15/18 = 16.667; Z = 9/√16.667 = 2.2045; p = 0.0275
    r = mann_kendall([1, 2, 3, 4, 5])
    assert r.s == 10 and r.var_s == pytest.approx(16.6667, abs=1e-4)
    assert r.z == pytest.approx(2.2045, abs=1e-4) and r.p == pytest.approx(0.0275, abs=1e-4)
    assert r.slope == pytest.approx(1.0) and r.trend == "上升"


def test_mann_kendall_tie_correction():
    # x = 1,2,2,3: S = 5 (one tied pair); Var = (4·3·13 − 2·1·9)/18 = 138/18 = 7.667; Z = 4/√7.667 = 1.4446
    r = mann_kendall([1, 2, 2, 3])
    assert r.s == 5 and r.var_s == pytest.approx(7.6667, abs=1e-4)
    assert r.z == pytest.approx(1.4446, abs=1e-4) and r.trend == "无显著趋势"
    assert mann_kendall([5, 4, 3, 2, 1, 0]).trend == "下降"


@pytest.mark.module(232)
def test_pettitt_step():
    # 1,1,1,5,5,5: U_3 = 9 pairs × sgn(5 − 1) = 9 = K at index 2 (third point);
    # p = 2·exp(−6·81 / (216 + 36)) = 2·exp(−1.928571) = 2 × 0.145356 = 0.290711
    r = pettitt([1, 1, 1, 5, 5, 5])
    assert r.index == 2 and r.k == 9 and r.p == pytest.approx(0.290711, abs=1e-6)
