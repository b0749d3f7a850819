"""``/map-data``: layers by URL and view, identify and drawn-area query over HTTP, with permission and
district scope checked on the server."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db import db
from db.gis import Feature

CITY = "bbox=120.8,30.6,122.2,31.9"


def test_catalog_lists_what_the_user_may_open(client_as, client):
    ids = [layer["id"] for layer in client_as("gis_staff").get("/map-data/layers").get_json()]
    assert ids[:2] == ["districts", "streets"] and "door_duty" in ids
    assert client_as("applicant").get("/map-data/layers").status_code == 403
    assert client.get("/map-data/layers").status_code in (302, 401)


@pytest.mark.module(32)
def test_dense_layer_arrives_as_cells_and_raw_when_zoomed_in(client_as):
    c = client_as("gis_staff")
    with db.session() as s:
        live = s.scalar(select(func.count()).select_from(Feature).where(Feature.layer == "door_duty",
                                                                     Feature.deleted.is_(False)))
    cells = c.get(f"/map-data/layers/door_duty/features?{CITY}&zoom=9").get_json()["features"]
    assert cells and all(f["properties"]["cluster"] for f in cells)
    assert sum(f["properties"]["count"] for f in cells) == live  # every point counted once, none lost
    assert len(cells) < live / 10  # far fewer shapes than points
    # a small view at zoom 16: raw features with their attributes
    with db.session() as s:
        f = s.scalars(select(Feature).where(Feature.layer == "door_duty").order_by(Feature.id)).first()
    bbox = f"{f.lon - 0.002},{f.lat - 0.002},{f.lon + 0.002},{f.lat + 0.002}"
    raw = c.get(f"/map-data/layers/door_duty/features?bbox={bbox}&zoom=16").get_json()["features"]
    assert f.id in [x["id"] for x in raw]
    assert {"owner", "grade", "district"} <= set(next(x for x in raw if x["id"] == f.id)["properties"])
    assert c.get("/map-data/layers/door_duty/features?bbox=bad&zoom=9").status_code == 400
    assert c.get(f"/map-data/layers/nope/features?{CITY}&zoom=9").status_code == 404


def test_district_editor_sees_only_their_district(client_as):
    features = client_as("gis_editor").get(f"/map-data/layers/wash_station/features?{CITY}&zoom=16").get_json()
    with db.session() as s:
        xuhui = s.scalar(select(func.count()).select_from(Feature).where(
            Feature.layer == "wash_station", Feature.district_code == "310104", Feature.deleted.is_(False)))
    cells = client_as("gis_editor").get(f"/map-data/layers/wash_station/features?{CITY}&zoom=9").get_json()
    assert sum(f["properties"]["count"] for f in cells["features"]) == xuhui
    assert all(f["properties"].get("district", "徐汇区") == "徐汇区" for f in features["features"])


@pytest.mark.module(32)
def test_identify_and_query_over_http(client_as):
    c = client_as("gis_staff")
    hits = c.get("/map-data/identify?lon=121.4365&lat=31.1880&zoom=12&layers=districts,streets,secret").get_json()["hits"]
    assert [h["layer"] for h in hits][-1] == "districts" and hits[-1]["title"] == "徐汇区"
    assert c.get("/map-data/identify?lon=x&lat=1").status_code == 400
    with db.session() as s:
        f = s.scalars(select(Feature).where(Feature.layer == "wash_station").order_by(Feature.id)).first()
    body = {"layers": ["wash_station"], "geometry": {"type": "Point", "coordinates": [f.lon, f.lat]}, "radius": 50}
    result = c.post("/map-data/query", json=body).get_json()
    assert result["count"] >= 1 and f.name in [r["name"] for r in result["rows"]]
    # a larger area: the count is exact, the rows stop at the limit
    wide = c.post("/map-data/query", json={"layers": ["door_duty"], "limit": 10, "geometry": {
        "type": "Polygon", "coordinates": [[[121.3, 31.1], [121.6, 31.1], [121.6, 31.3], [121.3, 31.3], [121.3, 31.1]]]}}).get_json()
    with db.session() as s:
        exact = s.scalar(select(func.count()).select_from(Feature).where(
            Feature.layer == "door_duty", Feature.deleted.is_(False), Feature.lon > 121.3, Feature.lon < 121.6,
            Feature.lat > 31.1, Feature.lat < 31.3))
    assert wide["count"] == exact > 10 and len(wide["rows"]) == 10
    assert result["area_m2"] == pytest.approx(3.1416 * 50 ** 2, rel=0.01)
    bad = c.post("/map-data/query", json={"layers": ["wash_station"], "geometry": {"type": "Point", "coordinates": [121, 31]}})
    assert bad.status_code == 400 and "缓冲区" in bad.get_json()["message"]
