"""Reads of the map service: layer features per view, identify, drawn-area queries, search, feature history
and the review queue. Every read takes the user's district ``scope`` and applies it on the server."""
from __future__ import annotations

import functools
import json
import math
import re

import pandas as pd
import shapely
from rapidfuzz import fuzz, process
from shapely.geometry import Point, box, shape
from sqlalchemy import String, false, func, literal, select

import geodata
from db.gis import DATASET, Change, Feature, FeatureVersion, PointGrid, cell_size
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
    from db.gis import GRID_LEVELS

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

def _table(layer: Layer):
    from db import Base, all_models

    all_models()
    return Base.metadata.tables[layer.table.table]


def _table_select(layer: Layer, scope: str | None, bbox: BBox):
    """The table's rows in ``bbox`` (and the user's district) with the popup columns, named as the popup."""
    t, spec = _table(layer), layer.table
    district = t.c[spec.district] if spec.district else literal(None, String)
    cols = [t.c[spec.id].label("id"), t.c[spec.name].label("name"), t.c[spec.lon].label("lon"),
            t.c[spec.lat].label("lat"), district.label("district_code")]
    cols += [t.c[key].label(key) for key, _ in layer.popup if key in t.c and key not in ("id", "name")]
    stmt = select(*cols).where(t.c[spec.lon].between(bbox[0], bbox[2]), t.c[spec.lat].between(bbox[1], bbox[3]))
    return stmt.where(_scope_clause(t, spec, scope)) if scope else stmt


def _scope_clause(t, spec, scope: str):
    """A district user's rows of a table; a table without districts shows them nothing."""
    return t.c[spec.district] == scope if spec.district else false()


def _table_props(row, layer: Layer) -> dict:
    districts, _ = _names()
    props = {k: v for k, v in row._asdict().items() if k not in ("Index", "lon", "lat")}
    props["district"] = districts.get(row.district_code, row.district_code)
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in props.items()}


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
    """Grid cells of a table layer, aggregated on the fly; memoised per data version of its dataset."""
    layer = catalog.get(layer_id)
    t, spec = _table(layer), layer.table
    size = cell_size(level)
    x0, y0, x1, y1 = cells
    lon, lat = t.c[spec.lon], t.c[spec.lat]
    cx, cy = func.floor(lon / size), func.floor(lat / size)
    stmt = (select(func.count().label("count"), func.sum(lon).label("lon_sum"), func.sum(lat).label("lat_sum"))
            .where(lon.between(x0 * size, (x1 + 1) * size), lat.between(y0 * size, (y1 + 1) * size))
            .group_by(cx, cy))
    if scope:
        stmt = stmt.where(_scope_clause(t, spec, scope))
    rows = read_df(stmt)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(r.lon_sum / r.count, 6),
                                                                          round(r.lat_sum / r.count, 6)]},
         "properties": {"cluster": True, "count": int(r.count)}} for r in rows.itertuples()]}


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

    Points are tested in two steps: ids and coordinates of the bounding box's points first (three narrow
    columns, vectorised point-in-polygon), then full rows only for the ones listed."""
    frames, total = [], 0
    bbox = area.bounds
    shapely.prepare(area)
    for layer_id in layer_ids:
        layer = catalog.get(layer_id)
        if layer.source == "table":
            t, spec = _table(layer), layer.table
            ids = _inside(select(t.c[spec.id].label("id"), t.c[spec.lon].label("lon"), t.c[spec.lat].label("lat"))
                          .where(t.c[spec.lon].between(bbox[0], bbox[2]), t.c[spec.lat].between(bbox[1], bbox[3]),
                                 *([_scope_clause(t, spec, scope)] if scope else [])), area, layer)
            total += len(ids)
            rows = read_df(_table_select(layer, scope, bbox).where(t.c[spec.id].in_(ids[:limit - _count(frames)])))
            frames.append(pd.DataFrame([_record(layer, _table_props(r, layer), r) for r in rows.itertuples()]))
        elif layer.source == "feature" and layer.kind == "point":
            live = (Feature.layer == layer_id) & Feature.deleted.is_(False)
            ids = _inside(select(Feature.id, Feature.lon, Feature.lat).where(
                live, Feature.lon.between(bbox[0], bbox[2]), Feature.lat.between(bbox[1], bbox[3]),
                *([Feature.district_code == scope] if scope else [])), area, layer)
            total += len(ids)
            rows = read_df(select(Feature).where(Feature.id.in_(ids[:limit - _count(frames)])).order_by(Feature.id))
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
