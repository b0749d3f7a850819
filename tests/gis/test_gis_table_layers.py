"""Catalog layers kept in other domains' tables (module 32): trees, renovation-waste collection points and the
botanical gardens' areas and plants — cells per view from the rollup, raw points with their popup fields,
identify, drawn-area queries and district scope, all against counts read straight from the tables."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import select

from db import all_models, db
from db.carbon_sink import Tree
from db.gardens import Accession, Garden, GardenArea
from db.gis import cell_size
from db.renovation_waste import CollectionPoint
from layers import catalog
from queries import gis as q

CITY = (120.8, 30.6, 122.2, 31.9)
XUHUI = "310104"
REQUIRED = {"districts", "trees", "door_duty", "wash_station", "rw_points", "ad_site", "cameras", "park",
            "garden_areas", "garden_plants"}


def _frame(stmt) -> pd.DataFrame:
    with db.engine.connect() as conn:
        return pd.read_sql(stmt, conn)


def _trees() -> pd.DataFrame:
    return _frame(select(Tree.id, Tree.species, Tree.district_code, Tree.lon, Tree.lat))


def _cells(client, layer: str, bbox, zoom: float) -> list[dict]:
    r = client.get(f"/map-data/layers/{layer}/features?bbox={','.join(map(str, bbox))}&zoom={zoom}")
    assert r.status_code == 200
    return r.get_json()["features"]


def test_catalog_holds_the_issue_layers_with_popups_legends_and_permissions(app):
    all_models()
    from db import Base

    assert REQUIRED <= {layer.id for layer in catalog.LAYERS}
    for layer in catalog.LAYERS:
        assert layer.legend and layer.popup and layer.permission == "gis.view", layer.id
        if layer.source != "table":
            continue
        spec = layer.table
        table = Base.metadata.tables[spec.table]
        parent = Base.metadata.tables[spec.parent[0]] if spec.parent else None
        owner = parent if spec.parent else table
        assert {spec.id, spec.name, spec.lon, spec.lat} <= set(table.c.keys()), layer.id
        assert spec.district is None or spec.district in owner.c, layer.id
        assert all(column in parent.c for _, column in spec.parent_columns), layer.id
        derived = {"id", "name", "district", "street"} | {key for key, _ in spec.parent_columns}
        assert all(key in derived or key in table.c for key, _ in layer.popup), layer.id


@pytest.mark.module(32)
def test_tree_cells_count_every_tree_of_the_view_once(app, client_as):
    c = client_as("gis_staff")
    trees = _trees()
    cells = _cells(c, "trees", CITY, 9)
    assert cells and all(f["properties"]["cluster"] for f in cells)
    assert sum(f["properties"]["count"] for f in cells) == len(trees)
    assert len(cells) < len(trees) / 5
    # a smaller view at zoom 12: the cells are the whole level-4 cells that touch it, counted from the rows
    bbox = (121.40, 31.15, 121.50, 31.25)
    size = cell_size(catalog.grid_level(12))
    x0, y0, x1, y1 = (math.floor(v / size) for v in bbox)
    cx, cy = np.floor(trees["lon"] / size), np.floor(trees["lat"] / size)
    expected = trees[(cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)]
    cells = _cells(c, "trees", bbox, 12)
    assert sum(f["properties"]["count"] for f in cells) == len(expected) > 0
    # each cell's position is the mean of its trees
    by_cell = expected.assign(cx=cx, cy=cy).groupby(["cx", "cy"])[["lon", "lat"]].mean()
    means = {(round(r.lon, 6), round(r.lat, 6)) for r in by_cell.itertuples()}
    got = {tuple(f["geometry"]["coordinates"]) for f in cells}
    assert len(got & means) >= 0.95 * len(means)  # the rest differ in the last rounded digit at most


def test_rollup_levels_nest(app):
    with app.server.app_context():
        version = q.data_version("carbon_sink")
        rollup = q._rollup("trees", version)
    trees = _trees()
    assert rollup["count"].sum() == len(trees)
    level = 3
    size = cell_size(level)
    direct = trees.groupby([np.floor(trees["lon"] / size).astype(int), np.floor(trees["lat"] / size).astype(int)]).size()
    shift = catalog.grid_level(15) - level
    merged = rollup.groupby([rollup["cx"].to_numpy() >> shift, rollup["cy"].to_numpy() >> shift])["count"].sum()
    assert merged.sort_index().to_dict() == direct.sort_index().to_dict()


@pytest.mark.module(32)
def test_identify_returns_the_trees_species(app, client_as):
    trees = _trees().sort_values("id")
    tree = trees.iloc[len(trees) // 2]
    c = client_as("gis_staff")
    hits = c.get(f"/map-data/identify?lon={tree.lon}&lat={tree.lat}&zoom=18&layers=districts,trees").get_json()["hits"]
    top = hits[0]
    assert top["layer"] == "trees" and top["id"] == int(tree.id) and top["title"] == tree.species
    fields = {f["label"]: f["value"] for f in top["fields"]}
    assert fields["树种"] == tree.species and fields["生境"] in ("行道树", "公园树木", "林地树木")
    assert fields["所在区"] and fields["树木编号"].startswith("SHT")
    # zoomed out below the layer's zoom nothing of it is identified
    low = c.get(f"/map-data/identify?lon={tree.lon}&lat={tree.lat}&zoom=8&layers=trees").get_json()["hits"]
    assert low == []


def test_raw_points_carry_their_popup_fields(app, client_as):
    c = client_as("gis_staff")
    point = _frame(select(CollectionPoint).order_by(CollectionPoint.code)).iloc[0]
    bbox = (point.lon - 0.002, point.lat - 0.002, point.lon + 0.002, point.lat + 0.002)
    raw = _cells(c, "rw_points", bbox, 17)
    mine = next(f for f in raw if f["properties"]["id"] == point.code)
    props = mine["properties"]
    assert props["name"] == point["name"] and props["address"] == point.address
    assert props["active"] == ("是" if point.active else "否") and props["opened_on"] == str(point.opened_on)[:10]
    assert props["street"].endswith(("街道", "镇", "乡")) and props["district"].endswith("区")
    # garden plants take their district and garden name from the garden
    plant = _frame(select(Accession.id, Accession.name_zh, Accession.lon, Accession.lat, Garden.name.label("garden"),
                          Garden.district_code).join(Garden, Garden.code == Accession.garden_code)
                   .order_by(Accession.id).limit(1)).iloc[0]
    bbox = (plant.lon - 0.0005, plant.lat - 0.0005, plant.lon + 0.0005, plant.lat + 0.0005)
    raw = _cells(c, "garden_plants", bbox, 18)
    mine = next(f for f in raw if f["properties"]["id"] == int(plant.id))["properties"]
    assert mine["name"] == plant.name_zh and mine["garden"] == plant.garden and mine["district_code"] == plant.district_code
    assert mine["iucn"] in {"极危", "濒危", "易危", "近危", "无危", "数据缺乏", "未评估"}


def test_drawn_area_query_counts_the_trees_inside(app, client_as):
    trees = _trees()
    ring = [[121.40, 31.15], [121.50, 31.16], [121.48, 31.24], [121.41, 31.22], [121.40, 31.15]]
    area = shapely.Polygon(ring)
    inside = trees[shapely.contains_xy(area, trees["lon"].to_numpy(), trees["lat"].to_numpy())]
    body = {"layers": ["trees"], "geometry": {"type": "Polygon", "coordinates": [ring]}, "limit": 50}
    result = client_as("gis_staff").post("/map-data/query", json=body).get_json()
    assert result["count"] == len(inside) > 50 and len(result["rows"]) == 50
    assert {r["layer"] for r in result["rows"]} == {"行道树与公园树木"}
    assert {r["name"] for r in result["rows"]} <= set(inside["species"])


@pytest.mark.module(32)
def test_district_user_sees_only_their_district(app, client_as):
    editor = client_as("gis_editor")  # 徐汇区
    trees = _trees()
    xuhui = trees[trees["district_code"] == XUHUI]
    cells = _cells(editor, "trees", CITY, 9)
    assert sum(f["properties"]["count"] for f in cells) == len(xuhui) > 0
    # zoomed in on a Xuhui tree that has a neighbour from another district in view: raw rows are Xuhui's only
    tree = xuhui.sort_values("id").iloc[0]
    bbox = (tree.lon - 0.003, tree.lat - 0.003, tree.lon + 0.003, tree.lat + 0.003)
    raw = _cells(editor, "trees", bbox, 17)
    assert int(tree.id) in {f["properties"]["id"] for f in raw}
    assert {f["properties"]["district"] for f in raw} == {"徐汇区"}
    other = trees[trees["district_code"] != XUHUI].sort_values("id").iloc[0]
    hits = editor.get(f"/map-data/identify?lon={other.lon}&lat={other.lat}&zoom=18&layers=trees").get_json()["hits"]
    assert hits == []
    # garden layers reach the district through the garden: the editor's count is their district's gardens'
    areas = _frame(select(GardenArea.id, Garden.district_code).join(Garden, Garden.code == GardenArea.garden_code))
    cells = _cells(editor, "garden_areas", CITY, 10)
    assert sum(f["properties"]["count"] for f in cells) == (areas["district_code"] == XUHUI).sum()
    total = _cells(client_as("gis_staff"), "garden_areas", CITY, 10)
    assert sum(f["properties"]["count"] for f in total) == len(areas)


@pytest.mark.module(32)
@pytest.mark.parametrize("scope", [None, XUHUI])
def test_grid_counted_query_is_exact(app, scope):
    from db.gis import Feature

    ring = [(121.30, 31.10), (121.55, 31.12), (121.50, 31.28), (121.33, 31.25)]
    area = shapely.Polygon(ring)
    live = _frame(select(Feature.id, Feature.lon, Feature.lat, Feature.district_code)
                  .where(Feature.layer == "door_duty", Feature.deleted.is_(False)))
    trees = _trees()
    if scope:
        live, trees = live[live["district_code"] == scope], trees[trees["district_code"] == scope]
    inside = live[shapely.contains_xy(area, live["lon"].to_numpy(), live["lat"].to_numpy())]
    tree_ids = set(trees.loc[shapely.contains_xy(area, trees["lon"].to_numpy(), trees["lat"].to_numpy()), "id"])
    with app.server.app_context():
        total, rows = q.within(["door_duty", "trees"], area, scope=scope, limit=300)
    assert total == len(inside) + len(tree_ids) and len(inside) > 300
    assert len(rows) == 300 and set(rows["id"].astype(int)) <= set(inside["id"])  # door duty listed first
    assert rows["id"].is_unique
