"""Temperature (219) and humidity (220) regulation: leaf area, transpiration, latent-heat cooling, moisture.

Hand computations from carbon_species.csv and carbon_parameters.csv; latent heat 2.45 MJ/kg is FAO-56's.
"""
from __future__ import annotations

import pytest

from analytics import carbon_sink as c


@pytest.mark.module(219)
def test_crown_and_leaf_area():
    # plane, D = 30: CW = 1.5 + 0.22 × 30 = 8.1 m; crown = π × 8.1² / 4 = 51.530 m²; LA = 4.0 × 51.530 = 206.12 m²
    crown, leaf = c.crown_and_leaf_area(["悬铃木"], [30.0])
    assert crown[0] == pytest.approx(51.530, rel=1e-4) and leaf[0] == pytest.approx(206.12, rel=1e-4)


@pytest.mark.module(219)
def test_cooling_energy_and_air_conditioning_equivalent():
    # 1 t water × 1000 kg × 2.45 MJ/kg = 2,450 MJ = 680.56 kWh of heat; at COP 3: 226.85 kWh of electricity
    got = c.cooling([1.0])
    assert got["energy_mj"][0] == pytest.approx(2450.0)
    assert got["heat_kwh"][0] == pytest.approx(680.556, rel=1e-5)
    assert got["ac_kwh"][0] == pytest.approx(226.852, rel=1e-5)
    assert c.cooling([1.0], cop=4.0)["ac_kwh"][0] == pytest.approx(170.139, rel=1e-5)


@pytest.mark.module(220)
def test_transpiration_moisture_added():
    # plane (deciduous): 100 m² × 0.8 kg/(m²·d) × 235 d = 18,800 kg = 18.8 t
    # camphor (evergreen): 100 m² × 0.6 × 300 d = 18.0 t
    assert c.transpiration_t(["悬铃木", "香樟"], [100.0, 100.0]) == pytest.approx([18.8, 18.0])
    # the same 1 t evaporated by an ideal humidifier: 2,450 MJ / 3.6 = 680.56 kWh
    assert c.humidifier_kwh([1.0])[0] == pytest.approx(680.556, rel=1e-5)
