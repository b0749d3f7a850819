"""Reads of the map service: layer features per view, identify, drawn-area queries, search, feature history
and the review queue. Every read takes the user's district ``scope`` and applies it on the server."""
from __future__ import annotations

import functools
import json
import math
import re

import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process
from shapely.geometry import Point, box, shape
from sqlalchemy import String, and_, false, func, literal, or_, select

import geodata
from db.gis import DATASET, GRID_LEVELS, Change, Feature, FeatureVersion, PointGrid, cell_size
from layers import catalog
from layers.catalog import RAW_LIMIT, RAW_ZOOM, Layer
from layers.spatial import metres_per_degree
from extensions import cache
from queries import data_version, read_df, versioned

BBox = tuple[float, float, float, float]  # west, south, east, north
EMPTY = {"type": "FeatureCollection", "features": []}


def parse_bbox(text: str | None) -> BBox:
    """``"w,s,e,n"`` → a bounding box clipped to a sane range around Shanghai; a clear error otherwise."""
    try:
        w, s, e, n = (float(v) for v in (text or "").split(","))
    except ValueError:
        raise ValueError("bbox 参数应为 “西,南,东,北” 四个经纬度数值") from None
    if not (w < e and s < n) or any(math.isnan(v) for v in (w, s, e, n)):
        raise ValueError("bbox 范围无效")
    return max(w, 119.0), max(s, 29.5), min(e, 123.5), min(n, 32.5)


@functools.cache
def _names() -> tuple[dict[str, str], dict[str, str]]:
    return geodata.district_names(), {s["code"]: s["name"] for s in geodata.streets()}


def _props(row, layer: Layer) -> dict:
    districts, streets = _names()
    props = json.loads(row.properties or "{}")
    props.update(id=int(row.id), code=row.code, name=row.name, version=int(row.version),
                 district=districts.get(row.district_code, row.district_code),
                 street=streets.get(row.street_code or "", ""))
    return props


def _feature(row, layer: Layer) -> dict:
    geometry = json.loads(row.geometry) if row.geometry else {"type": "Point", "coordinates": [row.lon, row.lat]}
    return {"type": "Feature", "id": int(row.id), "geometry": geometry, "properties": _props(row, layer)}


# ------------------------------------------------------------------------------------------ view features

def layer_features(layer_id: str, bbox: BBox, zoom: float, *, scope: str | None = None) -> dict:
    """A layer's features in a view: boundaries as they are, polygons whose anchor lies in the (padded)
    view, points as grid cells with counts below ``RAW_ZOOM`` and raw above it."""
    layer = catalog.get(layer_id)
    if zoom < layer.min_zoom:
        return EMPTY
    if layer.source.startswith("boundary:"):
        return _boundaries(layer.source.split(":")[1], bbox, scope)
    if layer.source == "table":
        return _table_features(layer, bbox, zoom, scope)
    if layer.kind == "polygon":
        return _polygons(layer_id, _pad(bbox, 0.02), scope)
    if zoom >= RAW_ZOOM and (scope or _grid_count(layer_id, bbox) <= RAW_LIMIT):
        raw = _raw_points(layer_id, bbox, scope)
        if len(raw["features"]) < RAW_LIMIT:
            return raw
    level = catalog.grid_level(min(zoom, RAW_ZOOM - 1))
    return _cells(layer_id, level, _snap(bbox, cell_size(level)), scope)


def _pad(bbox: BBox, d: float) -> BBox:
    return bbox[0] - d, bbox[1] - d, bbox[2] + d, bbox[3] + d


def _snap(bbox: BBox, size: float) -> tuple[int, int, int, int]:
    """The view as whole grid cells (so that neighbouring views share cache entries)."""
    return (math.floor(bbox[0] / size), math.floor(bbox[1] / size), math.floor(bbox[2] / size),
            math.floor(bbox[3] / size))


@versioned("reference")
def _boundaries(kind: str, bbox: BBox, scope: str | None) -> dict:
    collection = geodata.districts_geojson() if kind == "district" else geodata.streets_geojson()
    districts, _ = _names()
    view = box(*bbox)
    out = []
    for f in collection["features"]:
        p = f["properties"]
        district = p["code"] if kind == "district" else p.get("district_code")
        if scope and district != scope:
            continue
        if kind == "street" and not shape(f["geometry"]).intersects(view):
            continue
        props = dict(p, district=districts.get(district, ""))
        out.append({"type": "Feature", "id": p["code"], "geometry": f["geometry"], "properties": props})
    return {"type": "FeatureCollection", "features": out}


def _live(layer_id: str, scope: str | None):
    stmt = select(Feature).where(Feature.layer == layer_id, Feature.deleted.is_(False))
    return stmt.where(Feature.district_code == scope) if scope else stmt


def _in_bbox(stmt, bbox: BBox):
    return stmt.where(Feature.lon.between(bbox[0], bbox[2]), Feature.lat.between(bbox[1], bbox[3]))


@versioned(DATASET)
def _polygons(layer_id: str, bbox: BBox, scope: str | None) -> dict:
    layer = catalog.get(layer_id)
    rows = read_df(_in_bbox(_live(layer_id, scope), bbox).limit(RAW_LIMIT))
    return {"type": "FeatureCollection", "features": [_feature(r, layer) for r in rows.itertuples()]}


def _grid_count(layer_id: str, bbox: BBox) -> int:
    """About how many points a view holds (the finest grid's cells touching it): decides raw or cells
    without reading the points."""
    level = GRID_LEVELS - 1
    x0, y0, x1, y1 = _snap(bbox, cell_size(level))
    stmt = select(func.coalesce(func.sum(PointGrid.count), 0)).where(
        PointGrid.layer == layer_id, PointGrid.level == level, PointGrid.cx.between(x0, x1), PointGrid.cy.between(y0, y1))
    return int(read_df(stmt).iloc[0, 0])


def _raw_points(layer_id: str, bbox: BBox, scope: str | None) -> dict:
    layer = catalog.get(layer_id)
    rows = read_df(_in_bbox(_live(layer_id, scope), bbox).limit(RAW_LIMIT))
    return {"type": "FeatureCollection", "features": [_feature(r, layer) for r in rows.itertuples()]}


@versioned(DATASET)
def _cells(layer_id: str, level: int, cells: tuple[int, int, int, int], scope: str | None) -> dict:
    """Grid cells of a view: from the pyramid for the whole city, on the fly for one district's user."""
    x0, y0, x1, y1 = cells
    if scope is None:
        stmt = (select(PointGrid.count, PointGrid.lon_sum, PointGrid.lat_sum)
                .where(PointGrid.layer == layer_id, PointGrid.level == level,
                       PointGrid.cx.between(x0, x1), PointGrid.cy.between(y0, y1)))
    else:
        size = cell_size(level)
        cx, cy = func.floor(Feature.lon / size), func.floor(Feature.lat / size)
        stmt = (select(func.count().label("count"), func.sum(Feature.lon).label("lon_sum"),
                       func.sum(Feature.lat).label("lat_sum"))
                .where(Feature.layer == layer_id, Feature.deleted.is_(False), Feature.district_code == scope,
                       cx.between(x0, x1), cy.between(y0, y1))
                .group_by(cx, cy))
    rows = read_df(stmt)
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [round(r.lon_sum / r.count, 6), round(r.lat_sum / r.count, 6)]},
                 "properties": {"cluster": True, "count": int(r.count)}}
                for r in rows.itertuples() if r.count > 0]
    return {"type": "FeatureCollection", "features": features}


# ------------------------------------------------------------------------------ layers of other tables

def _table(name: str):
    from db import Base, all_models

    all_models()
    return Base.metadata.tables[name]


def _source(layer: Layer):
    """The layer's rows (joined to their parent row when ``TableSpec.parent`` is set), the table and the parent."""
    spec = layer.table
    t = _table(spec.table)
    if not spec.parent:
        return t, t, None
    parent = _table(spec.parent[0])
    return t.join(parent, t.c[spec.parent[1]] == parent.c[spec.parent[2]]), t, parent


def _district(layer: Layer, t, parent):
    """The column holding a row's district (on the parent when the table has none), or None."""
    spec = layer.table
    return (parent if spec.parent else t).c[spec.district] if spec.district else None


def _scope_clause(layer: Layer, t, parent, scope: str):
    """A district user's rows of a table; a table without districts shows them nothing."""
    district = _district(layer, t, parent)
    return district == scope if district is not None else false()


def _in_view(layer: Layer, t, bbox: BBox) -> list:
    spec = layer.table
    return [t.c[spec.lon].between(bbox[0], bbox[2]), t.c[spec.lat].between(bbox[1], bbox[3])]


def _table_select(layer: Layer, scope: str | None, bbox: BBox):
    """The table's rows in ``bbox`` (and the user's district) with the popup columns, named as the popup."""
    src, t, parent = _source(layer)
    spec = layer.table
    district = _district(layer, t, parent)
    street = t.c[spec.street] if spec.street else literal(None, String)
    cols = [t.c[spec.id].label("id"), t.c[spec.name].label("name"), t.c[spec.lon].label("lon"),
            t.c[spec.lat].label("lat"), (district if district is not None else literal(None, String)).label("district_code"),
            street.label("street_code")]
    cols += [parent.c[column].label(key) for key, column in spec.parent_columns]
    taken = {"id", "name", "lon", "lat", "district_code", "street_code"} | {key for key, _ in spec.parent_columns}
    cols += [t.c[key].label(key) for key, _ in layer.popup if key in t.c and key not in taken]
    stmt = select(*cols).select_from(src).where(*_in_view(layer, t, bbox))
    return stmt.where(_scope_clause(layer, t, parent, scope)) if scope else stmt


def _plain(value):
    """A cell value as JSON takes it: numpy scalars unwrapped, NaN as None, booleans as 是/否, dates as text."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _table_props(row, layer: Layer) -> dict:
    districts, streets = _names()
    props = {k: _plain(v) for k, v in row._asdict().items() if k not in ("Index", "lon", "lat", "street_code")}
    props["district"] = districts.get(row.district_code, row.district_code)
    if layer.table.street:
        props["street"] = streets.get(row.street_code or "", "")
    for column, pairs in layer.table.labels:
        if column in props:
            props[column] = dict(pairs).get(props[column], props[column])
    return props


def _table_features(layer: Layer, bbox: BBox, zoom: float, scope: str | None) -> dict:
    if zoom >= RAW_ZOOM:
        rows = read_df(_table_select(layer, scope, bbox).limit(RAW_LIMIT))
        if len(rows) < RAW_LIMIT:
            return {"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                 "properties": _table_props(r, layer)} for r in rows.itertuples()]}
    level = catalog.grid_level(min(zoom, RAW_ZOOM - 1))
    return _table_cells(layer.id, data_version(layer.table.dataset), level, _snap(bbox, cell_size(level)), scope)


@cache.memoize()
def _table_cells(layer_id: str, _version: int, level: int, cells: tuple[int, int, int, int], scope: str | None) -> dict:
    """Grid cells of a table layer in a view, merged from its rollup; memoised per data version."""
    rollup = _rollup(layer_id, _version)
    shift = GRID_LEVELS - 1 - level
    x0, y0, x1, y1 = cells
    cx, cy = rollup["cx"].to_numpy() >> shift, rollup["cy"].to_numpy() >> shift
    keep = (cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)
    if scope:
        keep &= (rollup["district_code"] == scope).to_numpy()
    part = rollup.loc[keep, ["count", "lon_sum", "lat_sum"]]
    merged = part.groupby([cx[keep], cy[keep]], sort=False).sum()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(r.lon_sum / r.count, 6),
                                                                          round(r.lat_sum / r.count, 6)]},
         "properties": {"cluster": True, "count": int(r.count)}} for r in merged.itertuples()]}


def warm_table_layers() -> None:
    """Read every table layer's rollup for the current data versions (e.g. at process start, so that the first
    map view does not pay for it)."""
    for layer in catalog.LAYERS:
        if layer.source == "table":
            _rollup(layer.id, data_version(layer.table.dataset))


@functools.lru_cache(maxsize=16)
def _rollup(layer_id: str, _version: int) -> pd.DataFrame:
    """A table layer's points per finest grid cell and district (``cx``, ``cy``, ``district_code``,
    ``count``, ``lon_sum``, ``lat_sum``), read once per data version and process: a view's cells at any level
    are these merged (the levels nest, so level k's cell is the finest cell shifted right by 7 − k bits)."""
    layer = catalog.get(layer_id)
    src, t, parent = _source(layer)
    spec = layer.table
    size = cell_size(GRID_LEVELS - 1)
    lon, lat = t.c[spec.lon], t.c[spec.lat]
    cx, cy = func.floor(lon / size), func.floor(lat / size)
    district = _district(layer, t, parent)
    keys = [cx, cy] + ([district] if district is not None else [])
    rows = read_df(select(cx.label("cx"), cy.label("cy"),
                          (district if district is not None else literal("", String)).label("district_code"),
                          func.count().label("count"), func.sum(lon).label("lon_sum"), func.sum(lat).label("lat_sum"))
                   .select_from(src if district is not None and spec.parent else t)
                   .where(lon.is_not(None), lat.is_not(None)).group_by(*keys))
    return rows.astype({"cx": "int64", "cy": "int64", "district_code": "category", "count": "int64",
                        "lon_sum": "float64", "lat_sum": "float64"})


# ------------------------------------------------------------------------------------------- identify

def tolerance_deg(zoom: float, pixels: float = 10) -> float:
    """How far (in degrees) a click may miss a point at ``zoom``."""
    return pixels * 360 / (256 * 2 ** zoom)


def identify(layer_ids: list[str], lon: float, lat: float, zoom: float, *, scope: str | None = None) -> list[dict]:
    """What is under a click, topmost layer first: the nearest point within a few pixels, the polygons that
    contain the click. Each hit: ``layer``, ``layer_name``, ``title`` and the popup ``fields``."""
    hits = []
    here = Point(lon, lat)
    for layer_id in reversed(layer_ids):
        layer = catalog.get(layer_id)
        if zoom < layer.min_zoom:
            continue
        if layer.source.startswith("boundary:"):
            found = [f for f in _boundaries(layer.source.split(":")[1], (lon, lat, lon, lat), scope)["features"]
                     if shape(f["geometry"]).contains(here)]
            props = [f["properties"] for f in found]
        elif layer.source == "table":
            rows = read_df(_table_select(layer, scope, _pad((lon, lat, lon, lat), tolerance_deg(zoom))).limit(200))
            props = [_table_props(r, layer) for r in _nearest(rows, lon, lat).itertuples()]
        elif layer.kind == "polygon":
            rows = read_df(_in_bbox(_live(layer_id, scope), _pad((lon, lat, lon, lat), 0.03)))
            props = [_props(r, layer) for r in rows.itertuples()
                     if r.geometry and shape(json.loads(r.geometry)).contains(here)]
        else:
            rows = read_df(_in_bbox(_live(layer_id, scope), _pad((lon, lat, lon, lat), tolerance_deg(zoom))).limit(200))
            props = [_props(r, layer) for r in _nearest(rows, lon, lat).itertuples()]
        for p in props:
            hits.append({"layer": layer.id, "layer_name": layer.name, "title": p.get("name", ""), "id": p.get("id"),
                         "fields": [(label, p.get(key)) for key, label in layer.popup if p.get(key) not in (None, "")]})
    return hits


def _nearest(rows: pd.DataFrame, lon: float, lat: float) -> pd.DataFrame:
    """The row nearest to the point (by metres), or no row."""
    if rows.empty:
        return rows
    mx, my = metres_per_degree(lat)
    d = ((rows["lon"] - lon) * mx) ** 2 + ((rows["lat"] - lat) * my) ** 2
    return rows.loc[[d.idxmin()]]


# ------------------------------------------------------------------------------------- drawn-area query

QUERY_CANDIDATES = 600_000  # a drawn area whose bounding box holds more points than this is refused


class AreaTooLarge(ValueError):
    """The drawn area's bounding box holds too many points for one query (the message is Chinese)."""


def within(layer_ids: list[str], area, *, scope: str | None = None, limit: int = 5000) -> tuple[int, pd.DataFrame]:
    """Features of the given layers inside ``area`` (a shapely polygon in lon/lat): how many in all, and the
    first ``limit`` of them (layer, id, name, district, street, lon, lat and the layer's other attributes).

    Point layers are counted from their finest grid cells: a cell wholly inside the area adds its count
    unread, only the points of the cells on the area's edge are read and tested (vectorised point-in-polygon);
    the listed rows are those edge points and the points of the first inner cells (full rows read for these
    only). A district user's feature layers, which the city-wide pyramid cannot split, read every point of
    the bounding box instead."""
    frames, total = [], 0
    bbox = area.bounds
    shapely.prepare(area)
    for layer_id in layer_ids:
        layer = catalog.get(layer_id)
        if layer.source == "table":
            src, t, parent = _source(layer)
            spec = layer.table
            points = (select(t.c[spec.id].label("id"), t.c[spec.lon].label("lon"), t.c[spec.lat].label("lat"))
                      .select_from(src if scope else t)
                      .where(*([_scope_clause(layer, t, parent, scope)] if scope else [])))
            found, ids = _count_inside(points, t.c[spec.lon], t.c[spec.lat], _rollup_cells(layer, bbox, scope),
                                       area, layer, limit - _count(frames))
            total += found
            rows = read_df(_table_select(layer, scope, bbox).where(t.c[spec.id].in_(ids)).order_by(t.c[spec.id]))
            frames.append(pd.DataFrame([_record(layer, _table_props(r, layer), r) for r in rows.itertuples()]))
        elif layer.source == "feature" and layer.kind == "point":
            points = select(Feature.id, Feature.lon, Feature.lat).where(
                Feature.layer == layer_id, Feature.deleted.is_(False),
                *([Feature.district_code == scope] if scope else []))
            cells = None if scope else _grid_cells(layer_id, bbox)  # the pyramid is city-wide
            found, ids = _count_inside(points, Feature.lon, Feature.lat, cells, area, layer, limit - _count(frames))
            total += found
            rows = read_df(select(Feature).where(Feature.id.in_(ids)).order_by(Feature.id))
            frames.append(pd.DataFrame([_record(layer, _props(r, layer), r) for r in rows.itertuples()]))
        elif layer.source == "feature":
            rows = read_df(_in_bbox(_live(layer_id, scope), _pad(bbox, 0.03)))
            rows = rows[[bool(g) and area.intersects(shape(json.loads(g))) for g in rows["geometry"]]]
            total += len(rows)
            rows = rows.head(limit - _count(frames))
            frames.append(pd.DataFrame([_record(layer, _props(r, layer), r) for r in rows.itertuples()]))
    columns = ["layer", "id", "name", "district", "street", "lon", "lat", "attributes"]
    frames = [f for f in frames if not f.empty]
    return total, (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns))


def _finest(bbox: BBox) -> tuple[float, tuple[int, int, int, int]]:
    size = cell_size(GRID_LEVELS - 1)
    return size, _snap(bbox, size)


def _grid_cells(layer_id: str, bbox: BBox) -> pd.DataFrame:
    """The finest pyramid cells (``cx``, ``cy``, ``count``) of a feature layer touching ``bbox``."""
    _, (x0, y0, x1, y1) = _finest(bbox)
    return read_df(select(PointGrid.cx, PointGrid.cy, PointGrid.count).where(
        PointGrid.layer == layer_id, PointGrid.level == GRID_LEVELS - 1,
        PointGrid.cx.between(x0, x1), PointGrid.cy.between(y0, y1)))


def _rollup_cells(layer: Layer, bbox: BBox, scope: str | None) -> pd.DataFrame:
    """The finest rollup cells (``cx``, ``cy``, ``count``) of a table layer touching ``bbox``."""
    rollup = _rollup(layer.id, data_version(layer.table.dataset))
    _, (x0, y0, x1, y1) = _finest(bbox)
    keep = rollup["cx"].between(x0, x1) & rollup["cy"].between(y0, y1)
    if scope:
        keep &= rollup["district_code"] == scope
    return rollup.loc[keep].groupby(["cx", "cy"], as_index=False)["count"].sum()


def _count_inside(points, lon, lat, cells: pd.DataFrame | None, area, layer: Layer, limit: int) -> tuple[int, list]:
    """How many of ``points`` (a select of id, lon, lat) lie inside ``area``, and the ids of up to ``limit`` of
    them, in id order. With ``cells``, whole cells inside count unread and only the edge cells' points, and
    those of just enough inner cells for the list, are read; without, every point of the bounding box is."""
    if cells is None:
        ids = _inside(points.where(lon.between(area.bounds[0], area.bounds[2]),
                                   lat.between(area.bounds[1], area.bounds[3])), area, layer)
        return len(ids), ids[:max(limit, 0)]
    size = cell_size(GRID_LEVELS - 1)
    x, y = cells["cx"].to_numpy(), cells["cy"].to_numpy()
    boxes = shapely.box(x * size, y * size, (x + 1) * size, (y + 1) * size)
    inner_mask = shapely.contains_properly(area, boxes)
    inner = cells.loc[inner_mask].sort_values(["cx", "cy"])
    edge = _points_of(points, lon, lat, cells.loc[~inner_mask & shapely.intersects(area, boxes)], size)
    edge = edge.loc[shapely.contains_xy(area, edge["lon"].to_numpy(dtype=float), edge["lat"].to_numpy(dtype=float))]
    listed = inner.loc[inner["count"].cumsum().shift(fill_value=0) < max(limit, 0)]
    ids = sorted(edge["id"].tolist() + _points_of(points, lon, lat, listed, size)["id"].tolist())
    return int(inner["count"].sum()) + len(edge), ids[:max(limit, 0)]


EDGE_RANGES = 200  # lon/lat boxes per query when reading the points of some cells


def _cell_ranges(cells: pd.DataFrame, size: float, lon, lat) -> list:
    """Cells as lon/lat boxes, one per run of neighbouring cells in a column: narrow in longitude, which the
    (layer,) lon, lat indexes find quickly."""
    x, y = cells["cx"].to_numpy(), cells["cy"].to_numpy()
    order = np.lexsort((y, x))
    x, y = x[order], y[order]
    start = np.r_[True, (x[1:] != x[:-1]) | (y[1:] != y[:-1] + 1)]
    first = np.flatnonzero(start)
    last = np.r_[first[1:] - 1, len(x) - 1]
    return [and_(lon.between(cx * size, (cx + 1) * size), lat.between(a * size, (b + 1) * size))
            for cx, a, b in zip(x[first].tolist(), y[first].tolist(), y[last].tolist())]


def _points_of(points, lon, lat, cells: pd.DataFrame, size: float) -> pd.DataFrame:
    """The points (id, lon, lat) that fall in ``cells`` (by the grid's own floor rule)."""
    if cells.empty:
        return pd.DataFrame(columns=["id", "lon", "lat"])
    ranges = _cell_ranges(cells, size, lon, lat)
    frames = [read_df(points.where(or_(*ranges[i:i + EDGE_RANGES]))) for i in range(0, len(ranges), EDGE_RANGES)]
    rows = pd.concat(frames, ignore_index=True).drop_duplicates("id")
    cell = pd.MultiIndex.from_arrays([np.floor(rows["lon"].to_numpy(dtype=float) / size).astype("int64"),
                                      np.floor(rows["lat"].to_numpy(dtype=float) / size).astype("int64")])
    return rows.loc[cell.isin(pd.MultiIndex.from_arrays([cells["cx"].to_numpy(), cells["cy"].to_numpy()]))]


def _count(frames: list[pd.DataFrame]) -> int:
    return sum(len(f) for f in frames)


def _inside(candidates, area, layer: Layer) -> list:
    """Ids of the candidate points (id, lon, lat) inside ``area``, in id order."""
    rows = read_df(candidates.limit(QUERY_CANDIDATES + 1))
    if len(rows) > QUERY_CANDIDATES:
        raise AreaTooLarge(f"查询范围过大（“{layer.name}”在范围外接矩形内超过 {QUERY_CANDIDATES:,} 个要素），请缩小范围")
    inside = rows[shapely.contains_xy(area, rows["lon"].to_numpy(), rows["lat"].to_numpy())]
    return sorted(inside["id"].tolist())


def _record(layer: Layer, p: dict, r) -> dict:
    """One row of a drawn-area result: the common columns and the layer's other attributes as text."""
    attrs = "；".join(f"{label}：{p[key]}" for key, label in layer.popup
                     if key not in ("name", "district", "street", "version") and p.get(key) not in (None, ""))
    return {"layer": layer.name, "id": str(r.id), "name": r.name, "district": p.get("district", ""),
            "street": p.get("street", ""), "lon": round(r.lon, 6), "lat": round(r.lat, 6), "attributes": attrs}


# -------------------------------------------------------------------------------------------- search

_SUFFIXES = re.compile(r"(上海市|上海)")


def parse_address(text: str) -> dict:
    """District and street named in a Chinese address (``上海市徐汇区漕河泾街道宜山路…`` → 310104,
    310104017): full district names first, then street names (longest first, within the district when one
    was named), then short district forms (``浦东``, ``徐汇``). The rest of the text is ``rest``, for a name
    search."""
    districts, streets = _names()
    rest = _SUFFIXES.sub("", text.strip())
    found: dict = {"district": None, "street": None}

    def take(form: str) -> bool:
        nonlocal rest
        if len(form) >= 2 and form in rest:
            rest = rest.replace(form, "", 1)
            return True
        return False

    found["district"] = next((code for code, name in districts.items() if take(name)), None)
    candidates = sorted(((c, n) for c, n in streets.items() if not found["district"] or c.startswith(found["district"])),
                        key=lambda kv: -len(kv[1]))
    forms = [(name, code) for code, name in candidates]
    forms += [(re.sub(r"(街道|镇|乡)$", "", name), code) for code, name in candidates]
    found["street"] = next((code for form, code in forms if take(form)), None)
    if found["street"]:
        found["district"] = found["street"][:6]
        take(re.sub(r"(新区|区)$", "", districts[found["district"]]))
    elif not found["district"]:
        found["district"] = next((code for code, name in districts.items() if take(re.sub(r"(新区|区)$", "", name))),
                                 None)
    found["rest"] = rest.strip(" ，,")
    return found


def search(text: str, layer_ids: list[str], *, scope: str | None = None, limit: int = 20) -> list[dict]:
    """Places for a search box: the district and street an address names, then features of the given layers
    whose names match (exact substring first, then fuzzy), each with ``label``, ``kind`` and ``lon``/``lat``."""
    text = (text or "").strip()
    if not text:
        return []
    results = []
    parsed = parse_address(text)
    districts, streets = _names()
    if parsed["street"]:
        s = next(s for s in geodata.streets() if s["code"] == parsed["street"])
        results.append({"label": f"{districts[s['district_code']]} {s['name']}", "kind": "街镇", "lon": s["lon"],
                        "lat": s["lat"], "zoom": 14})
    elif parsed["district"]:
        d = next(f for f in geodata.districts_geojson()["features"] if f["properties"]["code"] == parsed["district"])
        c = shape(d["geometry"]).representative_point()
        results.append({"label": districts[parsed["district"]], "kind": "区", "lon": c.x, "lat": c.y, "zoom": 11})
    needle = parsed["rest"] or ("" if results else text)
    if len(needle) >= 2:
        results += _feature_matches(needle, tuple(layer_ids), parsed["district"], scope, limit)
    return results[:limit]


def _feature_matches(needle: str, layer_ids: tuple, district: str | None, scope: str | None, limit: int) -> list[dict]:
    stmt = (select(Feature.id, Feature.layer, Feature.name, Feature.lon, Feature.lat, Feature.district_code,
                   Feature.properties)
            .where(Feature.layer.in_(layer_ids), Feature.deleted.is_(False)))
    if scope or district:
        stmt = stmt.where(Feature.district_code == (scope or district))
    exact = read_df(stmt.where(Feature.name.contains(needle, autoescape=True)).limit(limit))
    if len(exact) < limit:
        pool = read_df(stmt.where(Feature.name.contains(needle[:2], autoescape=True)).limit(5000))
        pool = pool[~pool["id"].isin(exact["id"])]
        picks = process.extract(needle, pool["name"].tolist(), scorer=fuzz.partial_ratio, limit=limit - len(exact),
                                score_cutoff=60)
        exact = pd.concat([exact, pool.iloc[[i for _, _, i in picks]]], ignore_index=True)
    districts, _ = _names()
    return [{"label": f"{r.name}（{districts.get(r.district_code, '')}）", "kind": catalog.get(r.layer).name,
             "lon": r.lon, "lat": r.lat, "zoom": 17, "layer": r.layer, "id": int(r.id)} for r in exact.itertuples()]


# ------------------------------------------------------------------------------ maintenance reads

def feature(feature_id: int, *, scope: str | None = None) -> dict | None:
    """One live or deleted feature as GeoJSON with its attributes (None when outside ``scope``)."""
    stmt = select(Feature).where(Feature.id == feature_id)
    if scope:
        stmt = stmt.where(Feature.district_code == scope)
    rows = read_df(stmt)
    if rows.empty:
        return None
    r = next(rows.itertuples())
    out = _feature(r, catalog.get(r.layer))
    out["properties"].update(layer=r.layer, deleted=bool(r.deleted))
    return out


def history(feature_id: int, *, scope: str | None = None) -> pd.DataFrame:
    """Every published version of a feature, newest first."""
    stmt = (select(FeatureVersion.version, FeatureVersion.action, FeatureVersion.name, FeatureVersion.lon,
                   FeatureVersion.lat, FeatureVersion.properties, FeatureVersion.deleted, FeatureVersion.by,
                   FeatureVersion.at, FeatureVersion.change_id)
            .join(Feature, Feature.id == FeatureVersion.feature_id)
            .where(FeatureVersion.feature_id == feature_id).order_by(FeatureVersion.version.desc()))
    if scope:
        stmt = stmt.where(Feature.district_code == scope)
    return read_df(stmt)


def changes(status: str | None = None, *, scope: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Proposed changes, newest first (a district user sees their district's)."""
    stmt = select(Change).order_by(Change.submitted_at.desc(), Change.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Change.status == status)
    if scope:
        stmt = stmt.where(Change.district_code == scope)
    return read_df(stmt)
