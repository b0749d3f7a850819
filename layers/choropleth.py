"""Choropleth layers of districts and streets, styled in the browser through ``hideout``."""
from __future__ import annotations

import dash_leaflet as dl
import numpy as np

STYLE = {"variable": "dashExtensions.default.choropleth"}
GREENS = ["#d6efe1", "#a8dcc0", "#74c49b", "#43a877", "#23845a", "#0f5c3d"]


def class_breaks(values, n: int = len(GREENS)) -> list[float]:
    """Quantile class lower bounds for ``values`` (first bound is the minimum)."""
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    if arr.size == 0:
        return [0.0]
    qs = np.quantile(arr, np.linspace(0, 1, n + 1)[:-1])
    return [round(float(q), 4) for q in np.unique(qs)]


def with_values(features: list[dict], values: dict[str, float], tooltip: dict[str, str]) -> dict:
    """A FeatureCollection whose features carry ``value`` and a ``tooltip`` from the given maps (by code)."""
    out = []
    for f in features:
        code = f["properties"]["code"]
        props = dict(f["properties"], value=values.get(code), tooltip=tooltip.get(code, f["properties"].get("name")))
        out.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    return {"type": "FeatureCollection", "features": out}


def choropleth_layer(collection: dict, *, layer_id: str, selected: str | None = None,
                     approximate: bool = False) -> dl.GeoJSON:
    """Features coloured by their ``value`` property; clicking one reports it in ``clickData``."""
    values = [f["properties"].get("value") for f in collection["features"]]
    hideout = {"classes": class_breaks(values), "colors": GREENS, "prop": "value",
               "selected": selected, "approximate": approximate}
    return dl.GeoJSON(
        id=layer_id, data=collection, style=STYLE, hideout=hideout, zoomToBounds=approximate,
        hoverStyle={"weight": 3, "color": "#f5c542"},
    )
