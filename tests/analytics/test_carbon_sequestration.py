"""Sequestration (218): measured DBH growth between rounds, modelled growth for single measurements, value.

Hand computations from carbon_parameters.csv (i-Tree Eco base growth and condition factors, as recalled there).
"""
from __future__ import annotations

import numpy as np
import pytest

from analytics import carbon_sink as c


@pytest.mark.module(218)
def test_modelled_growth():
    # plane, street, good: 0.83 cm/yr × 230/153 frost-free days × 1.33 (fast) × 1.0 = 1.6595 cm
    # ginkgo, park, fair: 1.03 × 230/153 × 0.75 (slow) × 0.76 (一般) = 0.8826 cm
    got = c.modelled_growth_cm(["悬铃木", "银杏"], ["street", "park"], ["良好", "一般"])
    assert got == pytest.approx([1.6595, 0.8826], rel=1e-4)


@pytest.mark.module(218)
def test_measured_and_modelled_sequestration():
    seq, measured = c.annual_sequestration_kg(["悬铃木", "悬铃木", "悬铃木"], "street", "良好", [30.0, 30.0, 27.0],
                                              previous_dbh_cm=[28.0, np.nan, 28.0], years=[2.0, np.nan, 2.0])
    # measured: C(30) = 197.30 kg; C(28) = 0.11 × 0.48 × 28^2.62 × 1.26 × 0.8 × 0.5; 28^2.62 = e^(2.62 × 3.332205)
    # = e^8.730377 ≈ 6188.4 → 0.0528 × 6188.4 × 0.504 = 164.69 kg; (197.30 − 164.69) / 2 years = 16.31 kg C/yr
    # single measurement: C(30 + 1.6595) − C(30); 31.6595^2.62 = e^(2.62 × 3.455040) = e^9.052205 ≈ 8535.6
    # → 0.0528 × 8535.6 × 0.504 = 227.15; 227.15 − 197.30 = 29.85 kg C/yr
    # a smaller second DBH (noise) sequesters nothing rather than a negative amount
    assert seq == pytest.approx([16.31, 29.85, 0.0], abs=0.05)
    assert measured.tolist() == [True, False, True]


@pytest.mark.module(218)
def test_carbon_value_at_a_configurable_price():
    # 10 t CO2 at the default 60 yuan/t = 600 yuan; at 100 yuan/t = 1,000 yuan
    assert c.carbon_value_yuan(10.0) == pytest.approx(600.0)
    assert c.carbon_value_yuan(10.0, 100) == pytest.approx(1000.0)
