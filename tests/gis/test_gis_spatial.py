"""Spatial helpers and map queries: known answers checked against shapely and hand computation."""
from __future__ import annotations

import math

import pytest
from shapely.geometry import Point, Polygon

from layers import catalog
from layers.spatial import (area_m2, buffer_m, circle, district_at, haversine_m, length_m, query_shape,
                            street_at)
from queries import gis as q


def test_haversine_one_degree_of_latitude():
    # one degree along a meridian = pi * R / 180 = 111,195.08 m for R = 6,371,008.8 m
    assert haversine_m(121.0, 31.0, 121.0, 32.0) == pytest.approx(111_195.08, abs=0.01)
    # 0.01 degree of longitude at 31 N: 111,195.08 * cos(31 deg) / 100 = 953.13 m
    assert haversine_m(121.0, 31.0, 121.01, 31.0) == pytest.approx(953.13, abs=0.05)


def test_circle_area_and_buffer_in_metres():
    c = circle(121.47, 31.23, 1000)
    assert area_m2(c) == pytest.approx(math.pi * 1000 ** 2, rel=0.002)  # 64-gon inscribed: -0.16 %
    # a 1 km square (by metres at its latitude) grown by 100 m: 1.2 km x 1.2 km minus the rounded corners
    mx = 111_195.08 * math.cos(math.radians(31.2))
    side_lon, side_lat = 1000 / mx, 1000 / 111_195.08
    square = Polygon([(121.4, 31.2), (121.4 + side_lon, 31.2), (121.4 + side_lon, 31.2 + side_lat), (121.4, 31.2 + side_lat)])
    assert area_m2(square) == pytest.approx(1_000_000, rel=0.002)
    grown = buffer_m(square, 100)
    expected = 1_000_000 + 4 * 1000 * 100 + math.pi * 100 ** 2
    assert area_m2(grown) == pytest.approx(expected, rel=0.003)
    assert length_m(square.exterior) == pytest.approx(4000, rel=0.002)


def test_drawn_circle_becomes_polygon_and_points_are_refused():
    drawn = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.47, 31.23]},
             "properties": {"type": "circle", "_radius": 250}}
    shape_ = query_shape(drawn)
    assert shape_.contains(Point(121.47, 31.23)) and area_m2(shape_) == pytest.approx(math.pi * 250 ** 2, rel=0.003)
    with pytest.raises(ValueError, match="缓冲区"):
        query_shape({"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.47, 31.23]}, "properties": {}})


def test_points_locate_in_their_district_and_street():
    assert district_at(121.4737, 31.2304) == "310101"  # People's Square, Huangpu
    assert district_at(121.4365, 31.1880) == "310104"  # Xujiahui, Xuhui
    assert district_at(121.5000, 31.2397) == "310115"  # Lujiazui, Pudong
    assert district_at(122.5, 31.0) is None  # East China Sea
    street = street_at(121.4365, 31.1880)
    assert street and street.startswith("310104")


@pytest.mark.module(32)
@pytest.mark.parametrize("text, district, street, rest", [
    ("上海市徐汇区漕河泾街道宜山路700号", "310104", "310104017", "宜山路700号"),
    ("浦东花木", "310115", "310115016", ""),
    ("静安寺", "310106", "310106013", ""),
    ("徐汇 便利店", "310104", None, "便利店"),
])
def test_address_parsing(text, district, street, rest):
    parsed = q.parse_address(text)
    assert (parsed["district"], parsed["street"], parsed["rest"]) == (district, street, rest)


def test_bbox_is_parsed_and_checked():
    assert q.parse_bbox("121.1,31.0,121.9,31.5") == (121.1, 31.0, 121.9, 31.5)
    assert q.parse_bbox("100,20,130,40") == (119.0, 29.5, 123.5, 32.5)  # clipped around Shanghai
    for bad in ("", "1,2,3", "121.9,31.0,121.1,31.5", "a,b,c,d"):
        with pytest.raises(ValueError):
            q.parse_bbox(bad)


def test_grid_level_follows_zoom():
    assert [catalog.grid_level(z) for z in (6, 8, 9, 12, 15, 18)] == [0, 0, 1, 4, 7, 7]


def test_attribute_validation_messages():
    layer = catalog.get("door_duty")
    clean, errors = catalog.validate_properties(layer, {"address": "宜山路1号", "owner": "张三", "length_m": "12",
                                                        "grade": "A"})
    assert errors == {} and clean == {"address": "宜山路1号", "owner": "张三", "length_m": 12, "grade": "A"}
    _, errors = catalog.validate_properties(layer, {"address": "", "owner": "李四", "length_m": "999", "grade": "D"})
    assert errors == {"address": "请填写地址", "length_m": "责任区长度（米）应在 1–500 之间",
                      "grade": "评级只能是：A、B、C"}
    with pytest.raises(catalog.UnknownLayer, match="图层不存在"):
        catalog.get("no-such-layer")
