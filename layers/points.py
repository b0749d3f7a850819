"""Point layers: a few dozen named places as circle markers, and aggregated occurrence cells as GeoJSON
points drawn in the browser (``assets/wildlife.js``) so that thousands of cells cost one component."""
from __future__ import annotations

import dash_leaflet as dl
import numpy as np

CELL_POINT = {"variable": "dashExtensions.wildlife.cellPoint"}


def circle_markers(rows: list[dict], *, layer_id: str, max_radius: float = 16.0) -> dl.LayerGroup:
    """Circle markers from dicts with lon, lat, value, color and tooltip; radius ∝ √value."""
    top = max((r["value"] for r in rows if r.get("value") == r.get("value")), default=0) or 1
    return dl.LayerGroup(id=layer_id, children=[
        dl.CircleMarker(center=[r["lat"], r["lon"]], radius=4 + (max_radius - 4) * float(np.sqrt(max(r["value"], 0) / top)),
                        color=r.get("color", "#2f9e6e"), fillColor=r.get("color", "#2f9e6e"), fillOpacity=0.7,
                        weight=1, children=[dl.Tooltip(r["tooltip"])])
        for r in rows
    ])


def cell_layer(lon, lat, values, tooltips, *, layer_id: str, color: str = "#d9534f") -> dl.GeoJSON:
    """Aggregated cells as GeoJSON points sized by ``value`` in the browser (hideout carries the scale)."""
    values = [float(v) for v in values]
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
                 "properties": {"value": v, "tooltip": t}}
                for x, y, v, t in zip(lon, lat, values, tooltips)]
    return dl.GeoJSON(id=layer_id, data={"type": "FeatureCollection", "features": features},
                      pointToLayer=CELL_POINT, hideout={"max": max(values, default=1) or 1, "color": color})
