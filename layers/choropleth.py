"""Choropleth layers of districts and streets: the boundaries reach the browser once, by URL (a cacheable
route, ``layers.routes``), and callbacks restyle them through ``hideout`` alone.

A page puts ``choropleth_layer(layer_id=…)`` in its layout and returns ``choropleth_view(…)`` to
``choropleth_outputs(layer_id)``: the boundary URL (districts, or one district's streets when drilled), the
hideout (values, tooltips, classes and colours by feature code) and whether to zoom to the features. The style
and tooltip functions are ``dashExtensions.default.choropleth`` / ``choroplethTooltip`` in the assets.
"""
from __future__ import annotations

import dash_leaflet as dl
import numpy as np
from dash import Output

from queries import data_version

STYLE = {"variable": "dashExtensions.default.choropleth"}
TOOLTIP = {"variable": "dashExtensions.default.choroplethTooltip"}
GREENS = ["#d6efe1", "#a8dcc0", "#74c49b", "#43a877", "#23845a", "#0f5c3d"]
HOVER = {"weight": 3, "color": "#f5c542"}
BOUNDARIES = "/map-data/boundaries"
VIEW_PROPS = ("url", "hideout", "zoomToBounds")


def class_breaks(values, n: int = len(GREENS)) -> list[float]:
    """Quantile class lower bounds for ``values`` (first bound is the minimum)."""
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    if arr.size == 0:
        return [0.0]
    qs = np.quantile(arr, np.linspace(0, 1, n + 1)[:-1])
    return [round(float(q), 4) for q in np.unique(qs)]


def boundaries_url(district: str | None = None) -> str:
    """The route serving the district boundaries, or one district's street cells; the reference data
    version in the query string lets the browser keep a copy until the boundaries change."""
    path = f"{BOUNDARIES}/streets/{district}" if district else f"{BOUNDARIES}/districts"
    return f"{path}?v={data_version('reference')}"


def choropleth_hideout(values: dict[str, float | None], tooltips: dict[str, str], *, selected: str | None = None,
                       approximate: bool = False) -> dict:
    """What the browser needs to colour and label the features: values and tooltips by code, the classes."""
    clean = {str(code): (None if v is None or v != v else float(v)) for code, v in values.items()}  # NaN: none
    return {"values": clean, "tooltips": dict(tooltips), "classes": class_breaks(clean.values()), "colors": GREENS,
            "selected": selected, "approximate": approximate}


def choropleth_layer(*, layer_id: str, url: str | None = None, data: dict | None = None, hideout: dict | None = None,
                     zoom_to_bounds: bool = False) -> dl.GeoJSON:
    """The layer placed once in a layout; clicking a feature reports it (``properties.code``) in ``clickData``.

    ``url`` or ``data`` may stay empty when a callback sets them (``choropleth_view``); ``data`` is for views
    that cannot reach the boundary route (share-link visitors).
    """
    return dl.GeoJSON(id=layer_id, url=url, data=data, style=STYLE, onEachFeature=TOOLTIP,
                      hideout=hideout or choropleth_hideout({}, {}), zoomToBounds=zoom_to_bounds, hoverStyle=HOVER)


def choropleth_outputs(layer_id: str) -> list[Output]:
    """The outputs a callback restyling the layer returns to (``choropleth_view``'s tuple, in order)."""
    return [Output(layer_id, prop) for prop in VIEW_PROPS]


def choropleth_view(values: dict[str, float | None], tooltips: dict[str, str], *, district: str | None = None,
                    selected: str | None = None) -> tuple[str, dict, bool]:
    """(url, hideout, zoomToBounds): the districts, or ``district``'s approximate streets zoomed to."""
    approximate = bool(district)
    return (boundaries_url(district), choropleth_hideout(values, tooltips, selected=selected, approximate=approximate),
            approximate)

