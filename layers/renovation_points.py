"""Point layers of the renovation-waste board: collection points (server-side grid cells or single points in
view) and facilities by load band, styled in the browser by ``assets/renovation.js``."""
from __future__ import annotations

import dash_leaflet as dl
import pandas as pd

from analytics.renovation_waste import LOAD_BAND_LABELS

POINT_STYLE = {"variable": "dashExtensions.renovation.point"}
FACILITY_STYLE = {"variable": "dashExtensions.renovation.facility"}
KIND_COLORS = {"小区投放点": "#3b82c4", "临时堆放点": "#f0a030", "街镇中转点": "#d9534f"}
BAND_COLORS = ["#9bb83a", "#2f9e6e", "#f0a030", "#d9534f"]  # <60 %, 60–85 %, 85–100 %, ≥100 %
EMPTY = {"type": "FeatureCollection", "features": []}


def _feature(lon: float, lat: float, props: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": props}


def point_collection(rows: pd.DataFrame, mode: str) -> dict:
    """Grid cells (``mode="cells"``: count, trips) or single points (code, name, kind) as a FeatureCollection."""
    if mode == "cells":
        feats = [_feature(r.lon, r.lat, {"cell": True, "count": int(r.count),
                                         "tooltip": f"{int(r.count):,} 个收运点，累计清运 {int(r.trips):,} 车次"})
                 for r in rows.itertuples()]
    else:
        feats = [_feature(r.lon, r.lat, {"code": r.code, "kind": r.kind,
                                         "tooltip": f"{r.name}（{r.kind}，{'在用' if r.active else '停用'}）"})
                 for r in rows.itertuples()]
    return {"type": "FeatureCollection", "features": feats}


def point_hideout(collection: dict) -> dict:
    """Colours by kind and the largest cell count (circle sizes scale to it)."""
    counts = [f["properties"].get("count", 1) for f in collection["features"]]
    return {"colors": KIND_COLORS, "max": max(counts, default=1)}


def point_layer(*, layer_id: str) -> dl.GeoJSON:
    """An empty collection-point layer; callbacks fill its ``data`` and ``hideout``."""
    return dl.GeoJSON(id=layer_id, data=EMPTY, pointToLayer=POINT_STYLE, hideout={"colors": KIND_COLORS, "max": 1})


def facility_collection(loads: pd.DataFrame) -> dict:
    """Facilities with their capacity, load band index and a tooltip."""
    feats = [_feature(r.lon, r.lat, {"code": r.code, "capacity": float(r.capacity_t_per_day),
                                     "band": LOAD_BAND_LABELS.index(r.band),
                                     "tooltip": f"{r.name}：设计能力 {r.capacity_t_per_day:,.0f} 吨/日，"
                                                f"负荷率 {r.load_rate * 100:.1f}%"})
             for r in loads.itertuples()]
    return {"type": "FeatureCollection", "features": feats}


def facility_layer(*, layer_id: str) -> dl.GeoJSON:
    """An empty facility layer; callbacks fill its ``data`` and ``hideout``."""
    return dl.GeoJSON(id=layer_id, data=EMPTY, pointToLayer=FACILITY_STYLE, hideout={"colors": BAND_COLORS,
                                                                                     "maxCapacity": 1})
