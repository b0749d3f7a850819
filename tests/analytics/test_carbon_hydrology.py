"""Hydrology (221): rain interception from leaf storage and the monthly normals; avoided runoff.

Hand computations: storage 0.2 mm per unit leaf area per rain day (i-Tree Hydro), the 132 rain days of the
Xujiahui normals in carbon_rainfall_normals.csv, runoff coefficients of carbon_parameters.csv (GB 50014).
"""
from __future__ import annotations

import pytest

from analytics import carbon_sink as c


@pytest.mark.module(221)
def test_monthly_interception_storage_bound():
    # 100 m² of leaves: January 10 rain days × 0.0002 m × 100 m² = 0.2 m³ (< 74.4 mm × 25 m² = 1.86 m³ on the crown)
    m = c.interception_monthly_m3(100.0, 25.0).set_index("month")
    assert m.loc[1, "intercepted_m3"] == pytest.approx(0.2)
    assert m.loc[6, "intercepted_m3"] == pytest.approx(14 * 0.0002 * 100)
    # a year: 132 rain days × 0.02 m³ = 2.64 m³
    assert c.annual_interception_m3([100.0], [25.0])[0] == pytest.approx(2.64)


@pytest.mark.module(221)
def test_interception_never_exceeds_rain_on_the_crown():
    # 0.1 m² of crown in January: 74.4 mm × 0.1 m² = 0.00744 m³, less than the 0.2 m³ leaf storage
    m = c.interception_monthly_m3(100.0, 0.1).set_index("month")
    assert m.loc[1, "intercepted_m3"] == pytest.approx(0.00744)


@pytest.mark.module(221)
def test_avoided_runoff_by_site():
    # 2.64 m³ over asphalt (street, 0.85) = 2.244 m³; over park green space (0.15) = 0.396 m³
    assert c.avoided_runoff_m3([2.64, 2.64], ["street", "park"]) == pytest.approx([2.244, 0.396])
