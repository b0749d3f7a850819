"""Choropleth maps: the boundaries travel once, by a cacheable URL; callbacks return only the hideout."""
from __future__ import annotations

import pytest


def test_hideout_carries_values_tooltips_and_classes():
    from layers.choropleth import GREENS, choropleth_hideout

    h = choropleth_hideout({"a": 1, "b": None, "c": float("nan"), "d": 3}, {"a": "甲：1 件"}, selected="d")
    assert h["values"] == {"a": 1.0, "b": None, "c": None, "d": 3.0}
    # quantile lower bounds of [1, 3] at 0, 1/6 … 5/6: 1 + 2k/6
    assert h["classes"] == [1.0, 1.3333, 1.6667, 2.0, 2.3333, 2.6667]
    assert h["tooltips"] == {"a": "甲：1 件"} and h["colors"] == GREENS
    assert h["selected"] == "d" and h["approximate"] is False


def test_layer_in_the_layout_holds_no_polygons():
    from layers.choropleth import TOOLTIP, choropleth_layer

    layer = choropleth_layer(layer_id="x-geojson")
    assert layer.data is None and layer.url is None and layer.onEachFeature == TOOLTIP
    assert layer.hideout["values"] == {} and layer.hideout["classes"] == [0.0]


def test_district_boundaries_route_caches_by_etag(client_as):
    client = client_as("leader")
    r = client.get("/map-data/boundaries/districts?v=1")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "private, max-age=86400"
    body = r.get_json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 16
    assert {f["properties"]["code"]: f["properties"]["name"] for f in body["features"]}["310101"] == "黄浦区"
    again = client.get("/map-data/boundaries/districts?v=1", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_street_boundaries_of_one_district(client_as):
    client = client_as("approver_city")  # cockpit.view without gis.view is enough
    features = client.get("/map-data/boundaries/streets/310101").get_json()["features"]
    assert features and all(f["properties"]["code"].startswith("310101") for f in features)
    assert all(f["properties"]["approximate"] is True for f in features)
    r = client.get("/map-data/boundaries/streets/31x101")
    assert r.status_code == 400 and "6 位数字" in r.get_json()["message"]


@pytest.mark.parametrize("user, status", [("applicant", 403), ("gis_staff", 200)])
def test_boundaries_need_a_map_permission(client_as, user, status):
    assert client_as(user).get("/map-data/boundaries/districts").status_code == status


def test_h12319_distribution_map_sends_values_not_polygons(app):
    from pages.cockpit import h12319_distribution as page
    from queries import hotline12319 as q

    with app.server.app_context():
        url, hideout, zoom = page.draw_map("36m", None, None, 0)
        first, last = q.period_months("36m")
        received = int(q.summary(first, last, None, None).iloc[0].received)
        assert url.startswith("/map-data/boundaries/districts?v=") and zoom is False
        assert sum(v for v in hideout["values"].values() if v) == received
        assert set(hideout["tooltips"]) == set(hideout["values"])
        url, hideout, zoom = page.draw_map("36m", None, "310104", 0)
        assert url.startswith("/map-data/boundaries/streets/310104?v=") and zoom is True
        streets = q.by_street("310104", first, last, None)
        assert hideout["values"] == {c: float(v) for c, v in zip(streets.street_code, streets.received)}
        assert hideout["approximate"] is True
