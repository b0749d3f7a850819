"""Kernel density surfaces: gaussian against scipy.stats.gaussian_kde, quartic by hand (module 231)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import gaussian_kde

from analytics.density import bandwidth_factor, density_per_ha, grid_around, kde, to_degrees, to_metres


@pytest.mark.module(231)
@pytest.mark.parametrize("rule", ["scott", "silverman"])
def test_gaussian_matches_scipy(rule):
    rng = np.random.default_rng(3)
    x = rng.normal(0, 400, 30)
    y = 0.4 * x + rng.normal(0, 200, 30)
    w = rng.integers(1, 40, 30).astype(float)
    gx, gy = np.linspace(-1500, 1500, 25), np.linspace(-1200, 1200, 21)
    ours = kde(x, y, gx, gy, w, kernel="gaussian", rule=rule)
    px, py = np.meshgrid(gx, gy)
    ref = gaussian_kde(np.vstack([x, y]), bw_method=rule, weights=w)(np.vstack([px.ravel(), py.ravel()]))
    np.testing.assert_allclose(ours, ref.reshape(px.shape), rtol=1e-9, atol=1e-15)


def test_rules_by_hand():
    # n = 64, d = 2: Scott 64^(-1/6) = 0.5; Silverman (64·4/4)^(-1/6) = 0.5 as well; n = 1: (1·1)^(-1/6) = 1
    assert bandwidth_factor("scott", 64) == pytest.approx(0.5)
    assert bandwidth_factor("silverman", 64) == pytest.approx(0.5)
    assert bandwidth_factor("silverman", 2) == pytest.approx(2 ** (-1 / 6))


@pytest.mark.module(231)
def test_quartic_single_point_by_hand():
    # one point, fixed h = 100 m → radius R = √8·100 = 282.84 m; K(0) = 3/(πR²) = 3/(π·80000) = 1.19366e-5
    # at r = R/2: 3/(πR²)·(1 − 1/4)² = 1.19366e-5 × 0.5625 = 6.7143e-6; beyond R: 0
    r = np.sqrt(8) * 100
    z = kde([0.0], [0.0], [0.0, r / 2, r + 1], [0.0], kernel="quartic", rule="fixed", h=100)
    assert z[0, 0] == pytest.approx(3 / (np.pi * 80000))
    assert z[0, 1] == pytest.approx(3 / (np.pi * 80000) * 0.5625)
    assert z[0, 2] == 0


@pytest.mark.parametrize("kernel", ["gaussian", "quartic"])
def test_surfaces_integrate_to_one(kernel):
    x, y = np.array([0.0, 300, 800]), np.array([0.0, 100, -200])
    gx, gy, cell = grid_around(x, y, pad=3000, cells=200)
    z = kde(x, y, gx, gy, [1, 2, 3], kernel=kernel, rule="fixed", h=250)
    assert z.sum() * cell * cell == pytest.approx(1.0, abs=2e-3)


def test_projection_round_trip_and_plot_density():
    x, y = to_metres([121.96], [31.52], 121.95, 31.51)
    # 0.01° of latitude = 6,371,008.8 × π/180 × 0.01 = 1111.95 m; of longitude × cos 31.51° = 948.1 m
    assert y[0] == pytest.approx(1111.95, abs=0.05) and x[0] == pytest.approx(948.1, abs=0.2)
    lon, lat = to_degrees(x, y, 121.95, 31.51)
    assert lon[0] == pytest.approx(121.96) and lat[0] == pytest.approx(31.52)
    assert density_per_ha(30, 0.5) == 60
