"""``/map-data``: the catalog and each layer's features for a view, fetched by the map in the browser.

Session-authenticated like the pages (the browser's GeoJSON layers load by URL); every request checks
``gis.view``, the layer's own permission and the user's district scope on the server.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify, request
from flask_login import current_user
from shapely.errors import GEOSException

from layers import catalog
from queries import gis as q
from security.web import require

bp = Blueprint("map_data", __name__, url_prefix="/map-data", static_folder="static", static_url_path="/static")


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


BOUNDARY_PERMISSIONS = ("gis.view", "cockpit.view")


@bp.get("/boundaries/districts")
@bp.get("/boundaries/streets/<district_code>")
def boundaries(district_code: str | None = None):
    """District boundaries, or one district's approximate street cells, as a GeoJSON FeatureCollection
    (``code``, ``name``) for the choropleths of the boards and GIS pages. The URL carries the reference data
    version (``?v=``), so the browser keeps its copy for a day and revalidates by ETag after that."""
    from flask import render_template

    from queries import reference
    from security.web import audit_denied

    if not any(current_user.can(p) for p in BOUNDARY_PERMISSIONS):
        audit_denied("route", request.path)
        return render_template("denied.html"), 403
    if district_code is not None and not (len(district_code) == 6 and district_code.isdigit()):
        return jsonify(message="区划代码应为 6 位数字"), 400
    features = reference.street_features(district_code) if district_code else reference.district_features()
    response = jsonify(type="FeatureCollection", features=features)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.add_etag()
    return response.make_conditional(request)


# ---------------------------------------------------------------------------------------- media and tiles

media_bp = Blueprint("media", __name__, url_prefix="/media")
tiles_bp = Blueprint("tiles", __name__, url_prefix="/tiles")
MEDIA_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t", ".mp4": "video/mp4"}
TILE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp",
              "pbf": "application/x-protobuf"}


@media_bp.get("/demo/<int:n>/<name>")
@require("gis.view")
def demo_media(n: int, name: str):
    """Demo camera streams (generated on first request into ``instance/media``); only their own files."""
    from flask import abort, current_app, send_from_directory

    from layers.media import DEMO_STREAMS, ensure_demo_stream

    suffix = name[name.rfind("."):] if "." in name else ""
    if not 0 <= n < DEMO_STREAMS or suffix not in MEDIA_TYPES or "/" in name or name.startswith("."):
        abort(404)
    folder = ensure_demo_stream(Path(current_app.instance_path) / "media", n)
    return send_from_directory(folder, name, mimetype=MEDIA_TYPES[suffix], max_age=3600)


@tiles_bp.get("/")
@require("gis.view")
def tile_sets():
    """The MBTiles files in ``instance/tiles`` with their metadata (name, format, bounds, zooms)."""
    from flask import current_app

    out = []
    for path in sorted((Path(current_app.instance_path) / "tiles").glob("*.mbtiles")):
        with _mbtiles(path) as conn:
            meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
        out.append({"id": path.stem, "name": meta.get("name", path.stem), "format": meta.get("format", "png"),
                    "bounds": meta.get("bounds"), "minzoom": meta.get("minzoom"), "maxzoom": meta.get("maxzoom"),
                    "url": f"/tiles/{path.stem}/{{z}}/{{x}}/{{y}}.{meta.get('format', 'png')}"})
    return jsonify(out)


@tiles_bp.get("/<tileset>/<int:z>/<int:x>/<int:y>.<ext>")
@require("gis.view")
def tile(tileset: str, z: int, x: int, y: int, ext: str):
    """One tile of ``instance/tiles/<tileset>.mbtiles`` (XYZ numbering outside, TMS rows inside)."""
    from flask import Response, abort, current_app

    if ext not in TILE_TYPES or not tileset.replace("-", "").replace("_", "").isalnum():
        abort(404)
    path = Path(current_app.instance_path) / "tiles" / f"{tileset}.mbtiles"
    if not path.exists() or not 0 <= z <= 22:
        abort(404)
    with _mbtiles(path) as conn:
        row = conn.execute("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                           (z, x, (1 << z) - 1 - y)).fetchone()
    if row is None:
        abort(404)
    response = Response(bytes(row[0]), mimetype=TILE_TYPES[ext])
    if ext == "pbf" and bytes(row[0][:2]) == b"\x1f\x8b":
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def _mbtiles(path: Path):
    """A read-only connection to an MBTiles file (closed by the ``with`` block)."""
    import contextlib
    import sqlite3

    return contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
