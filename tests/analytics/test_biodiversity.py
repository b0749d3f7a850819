"""Diversity indices against hand-computed values (module 230)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.biodiversity import by_group, chao1, indices


@pytest.mark.module(230)
def test_indices_of_a_small_community_by_hand():
    # counts 5, 3, 1, 1 (N = 10): p = .5 .3 .1 .1
    # H' = -(.5 ln .5 + .3 ln .3 + 2 × .1 ln .1) = .346574 + .361192 + .460517 = 1.168282
    # Σp² = .25 + .09 + .01 + .01 = .36 → Simpson .64, inverse 2.777…; J = 1.168282 / ln 4 = .842749
    # Chao1 (bias-corrected): F1 = 2, F2 = 0 → 4 + 2·1 / (2·1) = 5
    r = indices([5, 3, 1, 1, 0])
    assert r["richness"] == 4 and r["individuals"] == 10
    assert r["shannon"] == pytest.approx(1.168282, abs=1e-6)
    assert r["simpson"] == pytest.approx(0.64)
    assert r["inverse_simpson"] == pytest.approx(1 / 0.36)
    assert r["pielou"] == pytest.approx(1.168282 / math.log(4), abs=1e-6)
    assert r["chao1"] == pytest.approx(5.0)


def test_even_community_and_edge_cases():
    r = indices([4, 4, 4])
    assert r["shannon"] == pytest.approx(math.log(3)) and r["pielou"] == pytest.approx(1.0)
    assert r["inverse_simpson"] == pytest.approx(3.0)
    one = indices([7])
    assert one["shannon"] == 0 and math.isnan(one["pielou"]) and one["simpson"] == 0
    assert indices([])["richness"] == 0
    # F1 = 3, F2 = 1: 5 + 3·2 / (2·2) = 6.5
    assert chao1([1, 1, 1, 2, 9]) == pytest.approx(6.5)


def test_by_group_pools_sites_before_computing():
    df = pd.DataFrame({"district": ["A", "A", "A", "B"], "site": ["s1", "s2", "s2", "s3"],
                       "species_code": ["x", "x", "y", "x"], "individuals": [2, 3, 5, 4]})
    out = by_group(df, ["district"]).set_index("district")
    assert out.loc["A", "richness"] == 2 and out.loc["A", "individuals"] == 10
    assert out.loc["A", "simpson"] == pytest.approx(1 - 0.25 - 0.25)  # x 5, y 5 pooled
    assert out.loc["B", "richness"] == 1
