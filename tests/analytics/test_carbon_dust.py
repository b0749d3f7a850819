"""Dust retention (222): PM2.5 and PM10 removal = Vd × C × leaf area × time × (1 − resuspension) × leaf factor.

Hand computations from carbon_deposition.csv (Nowak et al. 2013; i-Tree Eco/UFORE 0.64 cm/s; 2023 Shanghai
annual means as recalled there) and carbon_dust_classes.csv.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analytics import carbon_sink as c


@pytest.mark.module(222)
def test_pm25_removal_plane():
    # 0.001 m/s × 28e-6 g/m³ × 100 m² × 235 d × 86,400 s × 0.5 × 1.4 (hairy leaves)
    # = 2.8e-6 × 20,304,000 × 0.7 = 39.80 g = 0.03980 kg
    assert c.pm_removal_kg(["悬铃木"], [100.0], pollutant="PM2.5")[0] == pytest.approx(0.039796, rel=1e-4)


@pytest.mark.module(222)
def test_pm10_removal_and_concentration_override():
    # 0.0064 × 45e-6 × 100 × 20,304,000 × 0.5 × 1.0 (smooth ginkgo) = 292.38 g
    assert c.pm_removal_kg(["银杏"], [100.0], pollutant="PM10")[0] == pytest.approx(0.29238, rel=1e-4)
    # linear in concentration: 90 μg/m³ doubles it
    assert c.pm_removal_kg(["银杏"], [100.0], pollutant="PM10", concentration_ug_m3=90)[0] == pytest.approx(0.58476,
                                                                                                          rel=1e-4)


@pytest.mark.module(222)
def test_services_of_a_group():
    frame = pd.DataFrame({"species": ["悬铃木"], "site": ["street"], "leaf_area_m2": [100.0], "crown_area_m2": [25.0]})
    row = c.services(frame).iloc[0]
    assert row.transpiration_t == pytest.approx(18.8)
    assert row.ac_kwh == pytest.approx(18.8 * 226.852, rel=1e-5)
    assert row.interception_m3 == pytest.approx(2.64) and row.runoff_avoided_m3 == pytest.approx(2.244)
    assert row.pm25_kg == pytest.approx(0.039796, rel=1e-4)
