"""GIS 地图服务 (module 32): the layer catalog on one map — layer switcher with opacity, legend, identify,
search by name or address, measure, draw a polygon, rectangle or circle (or buffer a drawn shape) to query the
features inside with an exportable result table, go to coordinates, PNG export and full screen.

Measuring uses the drawing tools (a line gives its length, a polygon or circle its area and perimeter):
leaflet-measure, behind dash-leaflet's MeasureControl, compiles templates with ``eval``, which the
Content-Security-Policy rightly forbids.

Layers load by URL per view (``/map-data/layers/<id>/features?bbox=…&zoom=…``): dense point layers arrive as
grid cells with counts until the view is small, so 1.5 million door-front duty records stay light."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_leaflet as dl
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from shapely.geometry import shape

from components.cards import panel
from components.export import export_menu, to_download
from components.grid import data_grid
from components.video import video_player
from layers import catalog, coords
from layers.basemap import base_map
from layers.spatial import area_m2, buffer_m, length_m, query_shape
from queries import cameras as camera_queries
from queries import gis as q
from security.context import audit_export, can, district_scope

dash.register_page(__name__, path="/gis/map", name="GIS 地图服务", order=1, title="GIS 地图服务 · 绿容通",
                   category="gis", permission="gis.view",
                   description="图层目录、识别、检索、量测、框选与缓冲区查询、坐标定位、导出")

P = "gis-map-"
MAP, LAYERS, LEGEND, INFO, SEARCH, SEARCH_GO, HITS, HIT_STORE, MARKER, DRAW, BUFFER, BUFFER_GO, RESULT, RESULT_NOTE, \
    PNG, MEASURE, GOTO, GOTO_CRS, GOTO_GO, GOTO_NOTE = (P + k for k in (
        "map", "layers", "legend", "info", "search", "search-go", "hits", "hit-store", "marker", "draw", "buffer",
        "buffer-go", "result", "result-note", "png", "measure", "goto", "goto-crs", "goto-go", "goto-note"))
FIXED = P + "fixed"
LAYER = "gis-layer"
OPACITY = "gis-opacity"
EXPORTS = {"result": "查询结果"}
RESULT_COLUMNS = [{"field": "layer", "headerName": "图层", "maxWidth": 130}, {"field": "name", "headerName": "名称"},
                  {"field": "district", "headerName": "区", "maxWidth": 100},
                  {"field": "street", "headerName": "街镇", "maxWidth": 120},
                  {"field": "attributes", "headerName": "属性", "minWidth": 220},
                  {"field": "lon", "headerName": "经度", "maxWidth": 110}, {"field": "lat", "headerName": "纬度", "maxWidth": 110}]
POINT_STYLE = {"variable": "dashExtensions.gis.point"}
POLYGON_STYLE = {"variable": "dashExtensions.gis.polygon"}
RESULT_LIMIT = 2000  # rows listed in the table (the count is always exact)
CITY_BBOX = "119.0,29.5,123.5,32.5"  # the whole city: the district outlines' fixed view


def _layers() -> list[catalog.Layer]:
    return catalog.visible_layers(can)


def _geojson(layer: catalog.Layer) -> dl.GeoJSON:
    style = {"pointToLayer": POINT_STYLE} if layer.kind == "point" else {"style": POLYGON_STYLE}
    return dl.GeoJSON(id={"type": LAYER, "layer": layer.id}, url=None, **style, hideout=_hideout(layer, 1.0))


def _hideout(layer: catalog.Layer, opacity: float) -> dict:
    """What the layer's style functions read (``layer`` names the ``gis:drawn`` event assets/gis.js fires)."""
    return {"layer": layer.id, "color": layer.color, "opacity": opacity, "approximate": layer.approximate}


def _switcher(layers: list[catalog.Layer]) -> html.Div:
    rows = []
    for group in dict.fromkeys(layer.group for layer in layers):
        rows.append(html.Div(group, className="caption"))
        for layer in (x for x in layers if x.group == group):
            rows.append(html.Div(className="gis-layer-row", children=[
                dcc.Checklist(id={"type": "gis-toggle", "layer": layer.id}, value=[layer.id] if layer.default_on else [],
                              options=[{"label": html.Span([html.Span(className="gis-swatch",
                                                                      style={"background": layer.color}), layer.name]),
                                        "value": layer.id}], className="checklist"),
                dcc.Slider(id={"type": OPACITY, "layer": layer.id}, min=0.1, max=1, step=0.1, value=1, marks=None,
                           tooltip={"placement": "bottom"}),
            ]))
    return html.Div(rows, id=LAYERS)


def layout(**_query) -> html.Div:
    """Search and layers on the left, the map in the middle, identify and query results on the right."""
    layers = _layers()
    draw = {"polyline": True, "polygon": True, "rectangle": True, "circle": True, "marker": True, "circlemarker": False}
    return html.Div(className="page gis-page", children=[
        html.Div(className="board-header", children=[
            html.H2("GIS 地图服务", className="board-title"),
            html.Span("点击地图识别要素；用左上角绘图工具量测距离与面积、绘制范围查询", className="board-asof"),
            html.Div(className="board-tools", children=[
                html.Button("导出地图 PNG", id=PNG, n_clicks=0, className="tool-button"),
                export_menu(P, EXPORTS)]),
        ]),
        html.Div(className="gis-layout", children=[
            html.Div(className="gis-side", children=[
                panel("检索", dcc.Input(id=SEARCH, type="search", debounce=True, placeholder="名称或地址，如：徐汇区漕河泾 便利店",
                                       style={"width": "100%"}),
                      html.Button("搜索", id=SEARCH_GO, n_clicks=0, className="tool-button"),
                      html.Ul(id=HITS, className="gis-results"), dcc.Store(id=HIT_STORE)),
                panel("坐标定位", html.Div(className="toolbar", children=[
                    dcc.Input(id=GOTO, type="text", placeholder="如 121.4737, 31.2304 或 31°13'49\"N 121°28'25\"E",
                              style={"width": "100%"}),
                    dcc.RadioItems(id=GOTO_CRS, value="WGS84", inline=True, className="radio",
                                   options=[{"label": label, "value": key} for key, label in coords.CRS_LABELS.items()]),
                    html.Button("定位", id=GOTO_GO, n_clicks=0, className="tool-button"),
                ]), html.Div(id=GOTO_NOTE, className="gis-message")),
                panel("图层", _switcher(layers)),
                panel("图例", html.Div(id=LEGEND)),
                dcc.Store(id=FIXED, data=fixed_views(layers)),
            ]),
            html.Div(id=P + "box", children=base_map([
                *[_geojson(layer) for layer in layers],
                dl.LayerGroup(id=MARKER),
                dl.FeatureGroup([dl.EditControl(id=DRAW, position="topleft", draw=draw,
                                                edit={"edit": False, "remove": True})]),
                dl.FullScreenControl(position="topright", title="全屏", titleCancel="退出全屏"),
            ], map_id=MAP, zoom=10, height="calc(100vh - 150px)")),
            html.Div(className="gis-side", children=[
                panel("要素识别", html.Div(id=INFO, children=html.Div("点击地图上的要素查看属性", className="caption"))),
                panel("量测", html.Div(id=MEASURE, children=html.Div("用绘图工具画线量距离，画面或圆量面积", className="caption"))),
                panel("范围查询", html.Div(className="toolbar", children=[
                    html.Label("缓冲距离（米）"),
                    dcc.Input(id=BUFFER, type="number", min=1, max=20000, value=500, style={"width": "90px"}),
                    html.Button("对最后绘制的图形做缓冲区查询", id=BUFFER_GO, n_clicks=0, className="tool-button"),
                ]), html.Div(id=RESULT_NOTE, className="gis-message"),
                      data_grid(RESULT, RESULT_COLUMNS, height=360, file_name="范围查询结果.csv")),
            ]),
        ]),
    ])


clientside_callback(
    """function (n) {
        if (!n) { return window.dash_clientside.no_update; }
        window.lvrongExportPng("gis-map-map", "地图.png");
        return window.dash_clientside.no_update;
    }""",
    Output(PNG, "title"), Input(PNG, "n_clicks"), prevent_initial_call=True)


def _active(toggles: list) -> list[str]:
    return [v[0] for v in toggles if v]


# Each switched-on layer's URL for the current view, made in the browser (a pan or zoom costs no server round
# trip before the layers' own requests). Layers that ignore the view (the district outlines) keep one URL, so a
# move does not refetch them.
clientside_callback(
    """function (toggles, bounds, zoom, ids, fixed) {
        const z = zoom || 10;
        let w = 120.8, s = 30.6, e = 122.2, n = 31.9;
        if (bounds) { s = bounds[0][0]; w = bounds[0][1]; n = bounds[1][0]; e = bounds[1][1]; }
        const view = "bbox=" + encodeURIComponent([w, s, e, n].map(v => v.toFixed(5)).join(",")) + "&zoom=" + Math.floor(z);
        const on = new Set(toggles.filter(v => v && v.length).map(v => v[0]));
        return ids.map(function (id) {
            if (!on.has(id.layer)) { return null; }
            const f = fixed[id.layer];
            return "/map-data/layers/" + id.layer + "/features?" + (f && z >= f.min_zoom ? f.query : view);
        });
    }""",
    Output({"type": LAYER, "layer": ALL}, "url"), Input({"type": "gis-toggle", "layer": ALL}, "value"),
    Input(MAP, "bounds"), Input(MAP, "zoom"), State({"type": LAYER, "layer": ALL}, "id"), State(FIXED, "data"))


def fixed_views(layers: list[catalog.Layer]) -> dict:
    """The one query of each layer whose features do not depend on the view, with the zoom it starts at."""
    return {layer.id: {"min_zoom": layer.min_zoom, "query": urlencode({"bbox": CITY_BBOX, "zoom": layer.min_zoom})}
            for layer in layers if layer.source == "boundary:district"}


@callback(Output({"type": LAYER, "layer": ALL}, "hideout"), Output(LEGEND, "children"),
          Input({"type": "gis-toggle", "layer": ALL}, "value"), Input({"type": OPACITY, "layer": ALL}, "value"),
          Input(MAP, "zoom"), State({"type": LAYER, "layer": ALL}, "id"))
def style_layers(toggles, opacities, zoom, ids):
    """Opacity through hideout (changed only when an opacity does: a new hideout restyles every feature) and
    the legend of the switched-on layers."""
    active = set(_active(toggles))
    zoom = zoom or 10
    trigger = ctx.triggered_id
    restyle = trigger is None or (isinstance(trigger, dict) and trigger.get("type") == OPACITY)
    hideouts, legend = [], []
    for i, opacity in zip(ids, opacities):
        layer = catalog.get(i["layer"])
        hideouts.append(_hideout(layer, opacity or 1) if restyle else no_update)
        if layer.id in active:
            note = f"（{layer.min_zoom} 级以上显示）" if zoom < layer.min_zoom else ""
            legend.append(html.Div(className="gis-legend-item", children=[
                html.Span(className="gis-swatch", style={"background": layer.color}),
                html.B(layer.name), html.Span(f" {layer.legend}{note}")]))
    return hideouts, legend or html.Div("未选择图层", className="caption")


@callback(Output(INFO, "children"), Input(MAP, "clickData"), Input({"type": LAYER, "layer": ALL}, "clickData"),
          State(MAP, "zoom"), State({"type": "gis-toggle", "layer": ALL}, "value"), prevent_initial_call=True)
def identify(map_click, _layer_clicks, zoom, toggles):
    """The attributes of what lies under the click, topmost layer first."""
    trigger = ctx.triggered_id
    if trigger == MAP and map_click:
        lat, lon = map_click["latlng"]["lat"], map_click["latlng"]["lng"]
    else:
        clicked = next((c for c, t in zip(_layer_clicks, ctx.inputs_list[1]) if t["id"] == trigger), None)
        geometry = (clicked or {}).get("geometry") or {}
        if geometry.get("type") != "Point":
            return no_update
        lon, lat = geometry["coordinates"]
    hits = q.identify(_active(toggles), lon, lat, zoom or 10, scope=district_scope())
    where = html.Div(f"点击位置：{lon:.6f}, {lat:.6f}（WGS84）", className="caption")
    if not hits:
        return [where, html.Div("此处没有已打开图层的要素", className="caption")]
    return [where] + [html.Div(className="gis-hit", children=[
        html.H4([h["title"] or "（未命名）", html.Span(h["layer_name"], className="layer")]),
        html.Dl(className="detail", children=[part for label, value in h["fields"]
                                              for part in (html.Dt(label), html.Dd(str(value)))]),
        _camera_player(h) if h["layer"] == "cameras" else None,
    ]) for h in hits[:10]]


def _camera_player(hit: dict):
    """The identified camera's live picture (module 33)."""
    cam = camera_queries.camera(str(hit["id"]), scope=district_scope())
    if cam is None:
        return None
    return video_player(cam["code"], cam["name"], cam["stream_url"], online=cam["status"] == "在线")


@callback(Output(HITS, "children"), Output(HIT_STORE, "data"), Input(SEARCH, "value"), Input(SEARCH_GO, "n_clicks"),
          State({"type": "gis-toggle", "layer": ALL}, "id"), prevent_initial_call=True)
def search(text, _go, toggle_ids):
    """Districts and streets named in the text, then features whose names match."""
    searchable = [t["layer"] for t in toggle_ids if catalog.get(t["layer"]).source == "feature"]
    results = q.search(text or "", searchable, scope=district_scope())
    if not results:
        return [html.Li("没有找到匹配的地点或要素", className="caption")], []
    items = [html.Li(html.Button([html.B(r["label"]), html.Span(f"  {r['kind']}", className="caption")],
                                 id={"type": "gis-hit", "i": i}, n_clicks=0)) for i, r in enumerate(results)]
    return items, results


@callback(Output(MAP, "viewport"), Output(MARKER, "children"), Output(GOTO_NOTE, "children"),
          Output(GOTO_NOTE, "className"), Input({"type": "gis-hit", "i": ALL}, "n_clicks"), Input(GOTO_GO, "n_clicks"),
          Input(GOTO, "n_submit"), State(HIT_STORE, "data"), State(GOTO, "value"), State(GOTO_CRS, "value"),
          prevent_initial_call=True)
def go_to(clicks, _go, _submit, results, text, system):
    """Fly to the chosen search result, or to typed coordinates in WGS84, GCJ-02 or BD-09, and mark it."""
    trigger = ctx.triggered_id
    if trigger in (GOTO_GO, GOTO):
        try:
            lon, lat = coords.parse_point(text or "", system or "WGS84")
        except ValueError as exc:
            return no_update, no_update, str(exc), "gis-message error"
        label = f"{lon:.6f}, {lat:.6f}（WGS84）"
        marker = dl.Marker(position=[lat, lon], children=dl.Tooltip(label, permanent=True))
        return ({"center": [lat, lon], "zoom": 16, "transition": "flyTo"}, [marker], f"已定位到 {label}",
                "gis-message ok")
    if not isinstance(trigger, dict) or not any(clicks) or not results:
        return no_update, no_update, no_update, no_update
    r = results[trigger["i"]]
    marker = dl.Marker(position=[r["lat"], r["lon"]], children=dl.Tooltip(r["label"], permanent=True))
    return {"center": [r["lat"], r["lon"]], "zoom": r["zoom"], "transition": "flyTo"}, [marker], "", "gis-message"


def measure_text(feature: dict) -> str:
    """What a drawn shape measures: a line's length, a polygon's or circle's area and perimeter."""
    props = feature.get("properties") or {}
    geom = shape(feature["geometry"])
    if geom.geom_type == "Point" and (props.get("_radius") or props.get("radius")):
        radius = float(props.get("_radius") or props.get("radius"))
        circle_shape = query_shape(feature)
        return f"圆：半径 {radius:,.1f} 米，面积 {area_m2(circle_shape) / 10_000:,.3f} 公顷"
    if geom.geom_type == "Point":
        return f"点：{geom.x:.6f}, {geom.y:.6f}（WGS84）"
    if geom.geom_type == "LineString":
        return f"折线：长度 {length_m(geom):,.1f} 米"
    return f"面：面积 {area_m2(geom):,.1f} 平方米（{area_m2(geom) / 10_000:,.3f} 公顷），周长 {length_m(geom.exterior):,.1f} 米"


@callback(Output(MEASURE, "children"), Input(DRAW, "geojson"), prevent_initial_call=True)
def measure(drawn):
    """Length or area of the last drawn shape."""
    features = (drawn or {}).get("features") or []
    if not features:
        return html.Div("用绘图工具画线量距离，画面或圆量面积", className="caption")
    return html.Div(measure_text(features[-1]), id=P + "measure-text")


def _query_area(drawn: dict | None, buffer_metres: float | None):
    features = (drawn or {}).get("features") or []
    if not features:
        raise ValueError("请先在地图上绘制查询范围（左上角绘图工具）")
    last = features[-1]
    if buffer_metres is None:
        return query_shape(last)
    if not buffer_metres or not 1 <= float(buffer_metres) <= 20000:
        raise ValueError("缓冲距离应在 1–20000 米之间")
    props = last.get("properties") or {}
    base = query_shape(last) if props.get("_radius") or props.get("radius") else shape(last["geometry"])
    return buffer_m(base, float(buffer_metres))


@callback(Output(RESULT, "rowData"), Output(RESULT_NOTE, "children"), Output(RESULT_NOTE, "className"),
          Input(DRAW, "geojson"), Input(BUFFER_GO, "n_clicks"), State(BUFFER, "value"),
          State({"type": "gis-toggle", "layer": ALL}, "value"), prevent_initial_call=True)
def query_drawn(drawn, _buffer, metres, toggles):
    """Features of the switched-on layers inside the last drawn shape (or its buffer)."""
    layers = [x for x in _active(toggles) if catalog.get(x).source in ("feature", "table")]
    try:
        area = _query_area(drawn, metres if ctx.triggered_id == BUFFER_GO else None)
    except ValueError as exc:
        if ctx.triggered_id == DRAW and not (drawn or {}).get("features"):
            return [], "", "gis-message"
        return no_update, str(exc), "gis-message error"
    if not layers:
        return [], "请先在左侧打开要查询的图层（门责区、车辆清洗站等）", "gis-message error"
    try:
        total, rows = q.within(layers, area, scope=district_scope(), limit=RESULT_LIMIT)
    except q.AreaTooLarge as exc:
        return [], str(exc), "gis-message error"
    note = f"范围面积 {area_m2(area) / 10_000:,.2f} 公顷，查得 {total:,} 个要素"
    if total > len(rows):
        note += f"（仅列前 {len(rows):,} 个，请缩小范围）"
    return rows.to_dict("records"), note, "gis-message ok"


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(RESULT, "rowData"), prevent_initial_call=True)
def export(clicks, rows):
    """Download the query result (audited)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    import pandas as pd

    cols = {c["field"]: c["headerName"] for c in RESULT_COLUMNS}
    frame = pd.DataFrame(rows or [], columns=list(cols)).rename(columns=cols)
    audit_export("gis/query", len(frame), trigger["fmt"])
    return to_download(frame, "GIS_范围查询结果", trigger["fmt"])
