"""``/map-data``: the catalog and each layer's features for a view, fetched by the map in the browser.

Session-authenticated like the pages (the browser's GeoJSON layers load by URL); every request checks
``gis.view``, the layer's own permission and the user's district scope on the server.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from shapely.errors import GEOSException

from layers import catalog
from queries import gis as q
from security.web import require

bp = Blueprint("map_data", __name__, url_prefix="/map-data")


@bp.get("/layers")
@require("gis.view")
def layers():
    """The catalog entries the user may open."""
    return jsonify([{"id": layer.id, "name": layer.name, "group": layer.group, "kind": layer.kind,
                     "color": layer.color, "min_zoom": layer.min_zoom, "legend": layer.legend,
                     "editable": layer.editable, "approximate": layer.approximate}
                    for layer in catalog.visible_layers(current_user.can)])


@bp.get("/layers/<layer_id>/features")
@require("gis.view")
def features(layer_id: str):
    """GeoJSON of a layer in ``bbox=w,s,e,n`` at ``zoom`` (grid cells for dense point layers)."""
    try:
        layer = catalog.get(layer_id)
    except catalog.UnknownLayer as exc:
        return jsonify(message=str(exc)), 404
    if not current_user.can(layer.permission):
        return jsonify(message="无权查看该图层"), 403
    try:
        bbox = q.parse_bbox(request.args.get("bbox"))
        zoom = float(request.args.get("zoom", "10"))
    except ValueError as exc:
        return jsonify(message=str(exc)), 400
    response = jsonify(q.layer_features(layer_id, bbox, zoom, scope=_scope()))
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


def _scope() -> str | None:
    return getattr(current_user, "district_code", None)


def _layer_ids(text: str | list | None) -> list[str]:
    """Requested layer ids that exist and that the user may open (others are dropped, never an error)."""
    ids = text.split(",") if isinstance(text, str) else list(text or [])
    allowed = {layer.id for layer in catalog.visible_layers(current_user.can)}
    return [i for i in ids if i in allowed]


@bp.get("/identify")
@require("gis.view")
def identify():
    """What lies at ``lon``/``lat`` in ``layers`` (comma-separated) at ``zoom``."""
    try:
        lon, lat = float(request.args["lon"]), float(request.args["lat"])
        zoom = float(request.args.get("zoom", "14"))
    except (KeyError, ValueError):
        return jsonify(message="需要数值参数 lon、lat（WGS84）"), 400
    hits = q.identify(_layer_ids(request.args.get("layers")), lon, lat, zoom, scope=_scope())
    return jsonify(hits=[dict(h, fields=[{"label": label, "value": value} for label, value in h["fields"]]) for h in hits])


@bp.post("/query")
@require("gis.view")
def query():
    """Features of ``layers`` inside a GeoJSON ``geometry`` (a polygon, or a circle as a point with
    ``radius`` in metres), optionally grown by ``buffer`` metres; at most ``limit`` rows back."""
    from shapely.geometry import shape

    from layers.spatial import area_m2, buffer_m, query_shape

    body = request.get_json(silent=True) or {}
    try:
        feature = {"type": "Feature", "geometry": body["geometry"], "properties": {"radius": body.get("radius")}}
        area = query_shape(feature) if not body.get("buffer") else buffer_m(shape(body["geometry"]), float(body["buffer"]))
        limit = max(1, min(int(body.get("limit", 1000)), 5000))
    except (KeyError, TypeError, ValueError, AttributeError, GEOSException) as exc:
        return jsonify(message=f"查询范围无效：{exc}"), 400
    try:
        total, rows = q.within(_layer_ids(body.get("layers")), area, scope=_scope(), limit=limit)
    except q.AreaTooLarge as exc:
        return jsonify(message=str(exc)), 400
    return jsonify(count=total, area_m2=round(area_m2(area), 1), rows=rows.to_dict("records"))
