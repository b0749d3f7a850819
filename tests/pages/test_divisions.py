"""The 行政区划 page's callbacks as plain functions."""
from __future__ import annotations

import dash
import pytest


@pytest.fixture()
def divisions(app):
    """The page module, imported after the app exists (register_page needs it)."""
    from pages.gis import divisions

    return divisions


def test_fill_panels_city_and_district(app, divisions):
    with app.server.app_context():
        d, s, t, area, chart, rows = divisions.fill_panels("area_km2", None)
        assert d == "16" and int(s.replace(",", "")) + int(t.replace(",", "")) <= len(rows)
        assert set(chart["data"][0]["y"][:2]) == {"浦东新区", "崇明区"}  # largest first (official: 1210, 1185 km²)
        d1, *_rest, rows1 = divisions.fill_panels("units", "310101")
        assert d1 == "1" and {r["district"] for r in rows1} == {"黄浦区"}


def test_map_switches_to_approximate_streets(app, divisions):
    """Only the boundary URL and the hideout travel: values and tooltips by code, never the polygons."""
    with app.server.app_context():
        url, hideout, zoom, caption = divisions.draw_map("area_km2", None)
        assert url.startswith("/map-data/boundaries/districts?v=") and zoom is False and "点击" in caption
        assert len(hideout["values"]) == 16 and hideout["approximate"] is False
        assert hideout["tooltips"]["310101"].startswith("黄浦区：")
        ranked = sorted(hideout["values"], key=hideout["values"].get, reverse=True)
        assert set(ranked[:2]) == {"310115", "310151"}  # 浦东新区 and 崇明区 have the largest outlines
        url, hideout, zoom, caption = divisions.draw_map("area_km2", "310101")
        assert url.startswith("/map-data/boundaries/streets/310101?v=") and zoom is True
        assert hideout["approximate"] is True and "近似" in caption
        assert hideout["tooltips"] and all(code.startswith("310101") for code in hideout["tooltips"])


def test_pick_district_only_accepts_district_codes(divisions):
    click = {"properties": {"code": "310115"}}
    assert divisions.pick_district(click, divisions.GEOJSON) == "310115"
    assert divisions.pick_district({"properties": {"code": "310115001"}}, divisions.GEOJSON) is dash.no_update
    assert divisions.pick_district(click, divisions.BACK) is None
