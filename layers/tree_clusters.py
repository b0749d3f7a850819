"""Trees on the map as server-side clusters: one circle per aggregation cell, sized in the browser."""
from __future__ import annotations

import dash_leaflet as dl

POINT = {"variable": "dashExtensions.carbon.clusterPoint"}


def tree_cluster_layer(collection: dict, *, layer_id: str, color: str = "#2f9e6e") -> dl.GeoJSON:
    """Point features with a ``trees`` property (and a ``tooltip``) drawn as circles scaled to the largest."""
    largest = max((f["properties"].get("trees", 0) for f in collection["features"]), default=1)
    return dl.GeoJSON(id=layer_id, data=collection, pointToLayer=POINT,
                      hideout={"maxTrees": largest, "color": color})
