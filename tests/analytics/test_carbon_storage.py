"""Carbon storage (217): biomass equations, the urban and root factors, carbon fractions and the cap.

Known answers are computed by hand from the equations named in analytics/data/carbon_allometry.csv and the
factors of carbon_parameters.csv (Ketterings et al. 2001; Chave et al. 2014; Cairns et al. 1997 roots 0.26;
Nowak 1994 open-grown 0.8; IPCC 2006 carbon fraction 0.5; i-Tree Eco palms 0.41 and the 7,500 kg C cap).
"""
from __future__ import annotations

import numpy as np
import pytest

from analytics import carbon_sink as c


@pytest.mark.module(217)
def test_general_equation_without_height_ketterings():
    # London plane, ρ = 0.48, D = 30 cm: 30^2.62 = e^(2.62 × 3.401197) = e^8.911137 ≈ 7415.6;
    # M = 0.11 × 0.48 × 7415.6 ≈ 391.5 kg (Ketterings et al. 2001, B = 0.11 ρ D^2.62).
    assert c.aboveground_biomass_kg(["悬铃木"], [30.0])[0] == pytest.approx(391.46, rel=1e-4)


@pytest.mark.module(217)
def test_general_equation_with_height_chave():
    # Camphor, ρ = 0.45, D = 20 cm, H = 10 m: ρD²H = 0.45 × 400 × 10 = 1800; 1800^0.976 = e^(0.976 × 7.495542)
    # = e^7.315649 ≈ 1503.6; M = 0.0673 × 1503.6 ≈ 101.2 kg (Chave et al. 2014, Eq. 4).
    assert c.aboveground_biomass_kg(["香樟"], [20.0], [10.0])[0] == pytest.approx(101.195, rel=1e-4)


@pytest.mark.module(217)
def test_carbon_by_site_palm_and_default_species():
    got = c.carbon_kg(["悬铃木", "悬铃木", "棕榈", "不在表中的树"], [30, 30, 20, 30],
                      [np.nan, np.nan, 5.0, np.nan], ["street", "forest", "park", "forest"])
    # street: 391.46 × 1.26 (roots 0.26) × 0.8 (open-grown) × 0.5 = 197.30 kg C
    # forest: 391.46 × 1.26 × 0.5 = 246.62 kg C (no open-grown reduction in forest stands)
    # palm from height (Frangi & Lugo form): (10 + 6.4 × 5) = 42 kg × 1.26 × 0.8 × 0.41 = 17.358 kg C
    # unknown species: the 其他 defaults, ρ = 0.5: 0.11 × 0.5 × 7415.6 × 1.26 × 0.5 = 256.9 kg C
    assert got == pytest.approx([197.30, 246.62, 17.358, 256.9], rel=1e-3)


@pytest.mark.module(217)
def test_carbon_cap_and_co2():
    # D = 150 cm, ρ = 0.5: 0.11 × 0.5 × 150^2.62 ≈ 27,500 kg AGB → ≈ 17,300 kg C before the cap: capped at 7,500.
    assert c.carbon_kg(["其他"], [150.0], None, "forest")[0] == 7500.0
    # CO2 = C × 44/12: 12 kg C → 44 kg CO2.
    assert c.co2_from_carbon(12.0) == pytest.approx(44.0)
    assert c.co2_from_carbon(np.array([3.0, 6.0])) == pytest.approx([11.0, 22.0])


@pytest.mark.module(217)
def test_every_coefficient_has_a_source():
    coef = c.coefficients()
    import pandas as pd

    for name in ("carbon_species", "carbon_allometry", "carbon_parameters", "carbon_rainfall_normals",
                 "carbon_deposition", "carbon_dust_classes"):
        df = pd.read_csv(c.DATA / f"{name}.csv")
        assert "source" in df.columns and df["source"].notna().all() and (df["source"].str.len() > 10).all()
    assert set(coef.species["leaf_class"]) <= {"deciduous", "evergreen", "conifer", "palm"}
    assert c.DEFAULT_SPECIES in coef.species.index
