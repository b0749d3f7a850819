"""Coordinate systems (module 32): known published point pairs, round trips, the out-of-China rule and the
parser of typed coordinates.

Known pairs: the test vectors of googollee/eviltransform (MIT), ``python/test.py`` ``TESTS`` — WGS84 and
GCJ-02 (lat, lon) for Shanghai, Shenzhen and Beijing. eviltransform's BD-09 pairs (``TESTS_bd``) are not
used: they disagree with the library's own published formula by 10–40 m (they look like outputs of Baidu's
online service), so BD-09 is checked by its defining constants and by round trips instead.
"""
from __future__ import annotations

import math

import pytest

from layers import coords as c

# (WGS84 lat, lon, GCJ-02 lat, lon), eviltransform python/test.py TESTS
WGS_GCJ = [(31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
           (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
           (39.911954, 116.377817, 39.91334545536069, 116.38404722455657)]  # Beijing
SHANGHAI = [(121.4737, 31.2304), (121.0, 30.7), (121.9, 31.8), (121.506, 31.245)]


@pytest.mark.module(32)
@pytest.mark.parametrize("wlat, wlon, glat, glon", WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wlat, wlon, glat, glon):
    lon, lat = c.wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9) and lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.module(32)
@pytest.mark.parametrize("wlat, wlon, glat, glon", WGS_GCJ)
def test_gcj02_to_wgs84_recovers_published_pairs(wlat, wlon, glat, glon):
    lon, lat = c.gcj02_to_wgs84(glon, glat)
    assert lon == pytest.approx(wlon, abs=1e-7) and lat == pytest.approx(wlat, abs=1e-7)


@pytest.mark.module(32)
@pytest.mark.parametrize("lon, lat", SHANGHAI)
@pytest.mark.parametrize("crs", ["GCJ02", "BD09"])
def test_round_trips_below_1e7_degrees(lon, lat, crs):
    there = c.from_wgs84(lon, lat, crs)
    back = c.to_wgs84(*there, crs)
    assert abs(back[0] - lon) < 1e-7 and abs(back[1] - lat) < 1e-7
    assert c.convert(*c.convert(lon, lat, "WGS84", crs), crs, "WGS84") == pytest.approx((lon, lat), abs=1e-7)


def test_bd09_follows_baidus_constants():
    """BD-09 = GCJ-02 moved by about (+0.0065°, +0.006°) plus a tiny rotation (the published formula); at
    (121.4737, 31.2304) by hand: z = hypot + 2e-5·sin(31.2304·x_pi) and the constant offsets dominate."""
    blon, blat = c.gcj02_to_bd09(121.4737, 31.2304)
    assert 0.0060 < blon - 121.4737 < 0.0075 and 0.0055 < blat - 31.2304 < 0.0070
    assert c.bd09_to_gcj02(blon, blat) == pytest.approx((121.4737, 31.2304), abs=1e-7)


def test_shift_size_in_shanghai():
    lon, lat = c.wgs84_to_gcj02(121.4737, 31.2304)  # People's Square moves by a few hundred metres
    metres = math.hypot((lon - 121.4737) * 111_320 * math.cos(math.radians(31.23)), (lat - 31.2304) * 110_574)
    assert 300 < metres < 700


@pytest.mark.parametrize("point", [(2.2945, 48.8584), (-74.0445, 40.6892), (139.76, 35.68)])
def test_no_shift_outside_china(point):
    for crs in ("GCJ02", "BD09"):
        assert c.from_wgs84(*point, crs) == point
        assert c.to_wgs84(*point, crs) == point


@pytest.mark.parametrize("text, expected", [
    ("121.4737, 31.2304", (121.4737, 31.2304)),
    ("121.4737，31.2304", (121.4737, 31.2304)),
    ("31.2304, 121.4737", (121.4737, 31.2304)),
    ("31°13'49\"N 121°28'25\"E", (121 + 28 / 60 + 25 / 3600, 31 + 13 / 60 + 49 / 3600)),
    ("E121°28'25\" N31°13'49\"", (121 + 28 / 60 + 25 / 3600, 31 + 13 / 60 + 49 / 3600)),
    ("北纬31度13分49秒 东经121度28分25秒", (121 + 28 / 60 + 25 / 3600, 31 + 13 / 60 + 49 / 3600)),
])
def test_parse_wgs84(text, expected):
    assert c.parse_point(text) == pytest.approx(expected, abs=1e-9)


@pytest.mark.module(32)
@pytest.mark.parametrize("crs", ["GCJ02", "BD09", "gcj02", "BD-09"])
def test_parse_in_other_systems_returns_wgs84(crs):
    lon, lat = c.from_wgs84(121.4737, 31.2304, crs)
    assert c.parse_point(f"{lon:.9f}, {lat:.9f}", crs) == pytest.approx((121.4737, 31.2304), abs=1e-7)


@pytest.mark.parametrize("text", ["", "121.47", "abc def", "200, 95", "31°75'00\"N 121°28'25\"E"])
def test_parse_refuses_nonsense(text):
    with pytest.raises(c.CoordinateError):
        c.parse_point(text)


def test_unknown_system_is_refused():
    with pytest.raises(ValueError, match="未知坐标系"):
        c.to_wgs84(121.0, 31.0, "utm")
