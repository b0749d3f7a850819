"""Point-cell and outline layers of the garden and green-space boards, styled in the browser by
``assets/gardens.js`` (``dashExtensions.gardens``) through ``hideout``."""
from __future__ import annotations

import dash_leaflet as dl
import pandas as pd

CELL = {"variable": "dashExtensions.gardens.cell"}
OUTLINE = {"variable": "dashExtensions.gardens.outline"}


def cell_layer(cells: pd.DataFrame, *, layer_id: str, color: str = "#2f9e6e") -> dl.GeoJSON:
    """Server-aggregated cells (lon, lat, accessions) as sized circles with a count tooltip."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(r.lon, 6), round(r.lat, 6)]},
                 "properties": {"accessions": int(r.accessions), "tooltip": f"{int(r.accessions):,} 个登录号"}}
                for r in cells.itertuples()]
    top = int(cells.accessions.max()) if len(cells) else 1
    return dl.GeoJSON(id=layer_id, data={"type": "FeatureCollection", "features": features},
                      pointToLayer=CELL, hideout={"max": top, "color": color})


def outline_layer(collection: dict, *, layer_id: str, selected: str | None = None, opacity: float = 0.45,
                  zoom_to_bounds: bool = False) -> dl.GeoJSON:
    """Polygons filled by their ``color`` property; a click reports the feature in ``clickData``."""
    return dl.GeoJSON(id=layer_id, data=collection, style=OUTLINE, zoomToBounds=zoom_to_bounds,
                      hideout={"selected": selected, "opacity": opacity}, hoverStyle={"weight": 3, "color": "#f5c542"})


def colored(features: list[dict], colors: dict[str, str], key: str) -> dict:
    """A FeatureCollection whose features get ``color`` from ``colors`` by their ``key`` property."""
    return {"type": "FeatureCollection",
            "features": [{**f, "properties": {**f["properties"], "color": colors.get(f["properties"].get(key), "#a8dcc0")}}
                         for f in features]}
