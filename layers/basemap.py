"""The base map: no online tiles by default; a tile server is optional configuration (``TILE_URL``)."""
from __future__ import annotations

import dash_leaflet as dl

SHANGHAI_CENTER = [31.2, 121.45]


def base_map(children: list, *, map_id: str, tile_url: str = "", attribution: str = "",
             zoom: int = 9, height: str = "560px") -> dl.Map:
    """A Leaflet map centred on Shanghai; a tile layer only when the deployment configures one.

    Without tiles the district polygons themselves are the base, drawn on the page background, so
    nothing is ever fetched from outside the bureau's network.
    """
    layers = [dl.TileLayer(url=tile_url, attribution=attribution, maxZoom=18)] if tile_url else []
    return dl.Map(
        id=map_id,
        children=layers + list(children) + [dl.ScaleControl(position="bottomleft", imperial=False)],
        center=SHANGHAI_CENTER, zoom=zoom, minZoom=8, maxZoom=18,
        attributionControl=bool(tile_url), className="lr-map", style={"height": height},
    )
