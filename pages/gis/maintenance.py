"""图层分布式维护 (module 31): district GIS editors draw, move, reshape, edit and delete features of the layers
they maintain; the city GIS administrator reviews and publishes, sees each feature's history and rolls back.

Every action is checked on the server: the page needs ``gis.edit``; review, publish and rollback need
``gis.review``; a district editor reads and proposes only inside their district (``layers.maintenance``)."""
from __future__ import annotations

import json
from urllib.parse import urlencode

import dash
import dash_leaflet as dl
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from flask import request

from components.cards import panel
from components.grid import data_grid
from db import db
from layers import catalog
from layers import maintenance as m
from layers.basemap import base_map
from queries import gis as q
from security.context import can, district_scope, username

dash.register_page(__name__, path="/gis/maintenance", name="图层维护与审核", order=5,
                   title="图层分布式维护 · 绿容通", category="gis", permission="gis.edit",
                   description="各区在线维护门责区、清洗站、广告点位、公园绿地等图层，市级审核发布，版本与回退")

P = "gis-edit-"
LAYER, MAP, GEO, DRAW, SELECTED, FORM, NAME, MESSAGE, CREATE, UPDATE, DELETE, QUEUE, REVIEW, COMMENT, APPROVE, \
    REJECT, HISTORY, ROLLBACK_TO, ROLLBACK, REFRESH = (P + k for k in (
        "layer", "map", "geo", "draw", "selected", "form", "name", "message", "create", "update", "delete", "queue",
        "review", "comment", "approve", "reject", "history", "rollback-to", "rollback", "refresh"))
FIELD = "gis-edit-field"
ERROR = "gis-edit-error"
QUEUE_COLUMNS = [{"field": "id", "headerName": "编号", "maxWidth": 80}, {"field": "action_text", "headerName": "操作", "maxWidth": 80},
                 {"field": "layer_name", "headerName": "图层", "maxWidth": 130}, {"field": "name", "headerName": "名称"},
                 {"field": "status", "headerName": "状态", "maxWidth": 90}, {"field": "submitted_by", "headerName": "提交人", "maxWidth": 110},
                 {"field": "submitted", "headerName": "提交时间", "minWidth": 140}, {"field": "comment", "headerName": "审核意见"}]
HISTORY_COLUMNS = [{"field": "version", "headerName": "版本", "maxWidth": 80}, {"field": "action_text", "headerName": "操作", "maxWidth": 90},
                   {"field": "name", "headerName": "名称"}, {"field": "attributes", "headerName": "属性"},
                   {"field": "by", "headerName": "操作人", "maxWidth": 110}, {"field": "at_text", "headerName": "时间", "minWidth": 140}]
ACTION_TEXT = {"create": "新增", "update": "修改", "delete": "删除", "rollback": "回退", "load": "初始"}


def _actor() -> m.Actor:
    return m.Actor(username(), district_scope(), (request.remote_addr or "-") if request else "-")


def _field_inputs(layer: catalog.Layer, values: dict) -> list:
    out = []
    for f in layer.fields:
        value = values.get(f.key)
        if f.kind == "choice":
            control = dcc.RadioItems(id={"type": FIELD, "key": f.key}, value=value, inline=True, className="radio",
                                     options=[{"label": c, "value": c} for c in f.choices])
        else:
            control = dcc.Input(id={"type": FIELD, "key": f.key}, value=value,
                                type="number" if f.kind == "number" else "text", debounce=False)
        out += [html.Label(f.label + ("（必填）" if f.required else "")), control,
                html.Div(id={"type": ERROR, "key": f.key}, className="field-error")]
    return out


def layout(layer: str | None = None, **_query) -> html.Div:
    """Layer choice (``?layer=`` preselects one) and map with drawing tools; the attribute form; the change
    queue and feature history."""
    layers = catalog.editable_layers()
    chosen = layer if layer in {x.id for x in layers} else layers[0].id
    reviewer = can("gis.review")
    draw = {"polyline": False, "polygon": True, "rectangle": True, "circle": False, "marker": True, "circlemarker": False}
    return html.Div(className="page gis-page", children=[
        html.Div(className="board-header", children=[
            html.H2("图层分布式维护", className="board-title"),
            html.Span(("市级审核：审核发布各区提交的变更，查看历史并回退" if reviewer else
                       f"本区维护：{'只能维护本区要素，' if district_scope() else ''}提交后由市级 GIS 管理员审核发布"),
                      className="board-asof"),
            dcc.Interval(id=REFRESH, interval=60_000),
        ]),
        html.Div(className="gis-layout", children=[
            html.Div(className="gis-side", children=[
                panel("图层", dcc.Dropdown(id=LAYER, value=chosen, clearable=False,
                                         options=[{"label": x.name, "value": x.id} for x in layers])),
                panel("要素属性", html.Div(id=SELECTED, className="caption", children="点击地图上的要素进行修改；或用绘图工具绘制新要素"),
                      html.Div(className="gis-form", children=[
                          html.Label("名称（必填）"), dcc.Input(id=NAME, type="text", style={"width": "100%"}),
                          html.Div(id={"type": ERROR, "key": "name"}, className="field-error"),
                          html.Div(id=FORM),
                          html.Div(id={"type": ERROR, "key": "geometry"}, className="field-error"),
                      ]),
                      html.Div(className="toolbar", children=[
                          html.Button("提交新增", id=CREATE, n_clicks=0, className="tool-button"),
                          html.Button("提交修改", id=UPDATE, n_clicks=0, className="tool-button"),
                          html.Button("提交删除", id=DELETE, n_clicks=0, className="tool-button danger"),
                      ]),
                      html.Div(id=MESSAGE, className="gis-message"),
                      dcc.Store(id=P + "feature")),
            ]),
            base_map([dl.GeoJSON(id=GEO, url=None, pointToLayer={"variable": "dashExtensions.gis.point"},
                                 style={"variable": "dashExtensions.gis.polygon"}, hideout={"color": "#d9822b", "opacity": 1}),
                      dl.FeatureGroup([dl.EditControl(id=DRAW, position="topleft", draw=draw,
                                                      edit={"edit": False, "remove": True})])],
                     map_id=MAP, zoom=12, height="calc(100vh - 150px)"),
            html.Div(className="gis-side", children=[
                panel("变更审核" if reviewer else "本区变更", data_grid(QUEUE, QUEUE_COLUMNS, height=300, row_id="id"),
                      html.Div(id=REVIEW, className="caption"), dcc.Store(id=P + "change"),
                      html.Div(className="toolbar", style=None if reviewer else {"display": "none"}, children=[
                          dcc.Input(id=COMMENT, placeholder="审核意见（驳回时必填）", style={"width": "100%"}),
                          html.Button("审核通过并发布", id=APPROVE, n_clicks=0, className="tool-button"),
                          html.Button("驳回", id=REJECT, n_clicks=0, className="tool-button danger"),
                      ])),
                panel("要素历史", data_grid(HISTORY, HISTORY_COLUMNS, height=240, row_id="version"),
                      html.Div(className="toolbar", style=None if reviewer else {"display": "none"}, children=[
                          dcc.Dropdown(id=ROLLBACK_TO, placeholder="回退到版本", style={"width": "130px"}),
                          html.Button("回退", id=ROLLBACK, n_clicks=0, className="tool-button"),
                      ])),
            ]),
        ]),
    ])


@callback(Output(GEO, "url"), Output(GEO, "hideout"), Output(FORM, "children"),
          Input(LAYER, "value"), Input(MAP, "bounds"), Input(MAP, "zoom"), Input(P + "feature", "data"))
def show_layer(layer_id, bounds, zoom, feature):
    """The chosen layer in the current view (the user's district only for district editors); its form."""
    layer = catalog.get(layer_id)
    (s, w), (n, e) = bounds or [[31.0, 121.2], [31.4, 121.7]]
    url = f"/map-data/layers/{layer.id}/features?{urlencode({'bbox': f'{w:.5f},{s:.5f},{e:.5f},{n:.5f}', 'zoom': int(zoom or 12)})}"
    values = (feature or {}).get("properties", {}) if (feature or {}).get("layer") == layer_id else {}
    return url, {"color": layer.color, "opacity": 1}, _field_inputs(layer, values)


@callback(Output(P + "feature", "data"), Output(SELECTED, "children"), Output(NAME, "value"),
          Output(HISTORY, "rowData"), Output(ROLLBACK_TO, "options", allow_duplicate=True),
          Input(MAP, "clickData"), Input(GEO, "clickData"), State(LAYER, "value"), State(MAP, "zoom"),
          prevent_initial_call=True)
def select_feature(map_click, layer_click, layer_id, zoom):
    """The feature under the click (in the user's district), loaded into the form with its history."""
    if ctx.triggered_id == GEO and (layer_click or {}).get("geometry", {}).get("type") == "Point":
        lon, lat = layer_click["geometry"]["coordinates"]
    elif map_click:
        lat, lon = map_click["latlng"]["lat"], map_click["latlng"]["lng"]
    else:
        return no_update, no_update, no_update, no_update, no_update
    hits = q.identify([layer_id], lon, lat, max(zoom or 12, 14), scope=district_scope())
    hit = next((h for h in hits if h.get("id")), None)
    if hit is None:
        return None, "此处没有本图层的要素（放大地图后点击要素）", "", [], []
    feature = q.feature(hit["id"], scope=district_scope())
    props = feature["properties"]
    data = {"id": props["id"], "version": props["version"], "layer": layer_id, "properties": props}
    history = _history_rows(props["id"])
    return (data, f"已选要素：{props['name']}（编号 {props['code']}，版本 {props['version']}，{props['district']}）",
            props["name"], history, [{"label": f"版本 {r['version']}", "value": r["version"]} for r in history[1:]])


def _history_rows(feature_id: int) -> list[dict]:
    rows = []
    for r in q.history(feature_id, scope=district_scope()).itertuples():
        attrs = json.loads(r.properties or "{}")
        rows.append({"version": int(r.version), "action_text": ACTION_TEXT.get(r.action, r.action), "name": r.name,
                     "attributes": "；".join(f"{k}：{v}" for k, v in attrs.items()) + ("（已删除）" if r.deleted else ""),
                     "by": r.by, "at_text": f"{r.at:%Y-%m-%d %H:%M}"})
    return rows


@callback(Output(MESSAGE, "children"), Output(MESSAGE, "className"), Output({"type": ERROR, "key": ALL}, "children"),
          Output(DRAW, "editToolbar"), Output(REFRESH, "n_intervals"),
          Input(CREATE, "n_clicks"), Input(UPDATE, "n_clicks"), Input(DELETE, "n_clicks"),
          State(LAYER, "value"), State(NAME, "value"), State({"type": FIELD, "key": ALL}, "value"),
          State({"type": FIELD, "key": ALL}, "id"), State(DRAW, "geojson"), State(P + "feature", "data"),
          State({"type": ERROR, "key": ALL}, "id"), State(REFRESH, "n_intervals"), prevent_initial_call=True)
def submit(_c, _u, _d, layer_id, name, values, ids, drawn, feature, error_ids, tick):
    """Propose the change; field errors next to their fields; nothing saved when anything is wrong."""
    action = {CREATE: "create", UPDATE: "update", DELETE: "delete"}[ctx.triggered_id]
    drawn_features = (drawn or {}).get("features") or []
    geometry = drawn_features[-1]["geometry"] if drawn_features else None
    no_errors = [""] * len(error_ids)
    if action != "create" and not feature:
        return "请先在地图上点击选择要修改或删除的要素", "gis-message error", no_errors, no_update, no_update
    if action == "create" and geometry is None:
        errors = ["请先用左上角绘图工具绘制要素位置或范围" if e["key"] == "geometry" else "" for e in error_ids]
        return "请修正标出的字段", "gis-message error", errors, no_update, no_update
    properties = {i["key"]: v for i, v in zip(ids, values)}
    try:
        with db.session() as s:
            change = m.submit(s, _actor(), layer_id=layer_id, action=action,
                              feature_id=(feature or {}).get("id") if action != "create" else None,
                              base_version=(feature or {}).get("version") if action != "create" else None,
                              name=name, geometry=geometry, properties=properties)
            change_id = change.id
    except m.EditError as exc:
        return str(exc), "gis-message error", [exc.errors.get(e["key"], "") for e in error_ids], no_update, no_update
    verb = {"create": "新增", "update": "修改", "delete": "删除"}[action]
    return (f"已提交{verb}（变更编号 {change_id}），等待市级 GIS 管理员审核发布", "gis-message ok", no_errors,
            {"mode": "remove", "action": "clear all", "n_clicks": change_id}, (tick or 0) + 1)


@callback(Output(QUEUE, "rowData"), Input(REFRESH, "n_intervals"), Input(LAYER, "value"))
def queue(_tick, _layer):
    """Pending changes first, then the rest (a district editor sees their district's)."""
    df = q.changes(scope=district_scope(), limit=300)
    if df.empty:
        return []
    df["pending"] = df["status"] != "待审核"
    df = df.sort_values(["pending", "submitted_at"], ascending=[True, False])
    return [{"id": int(r.id), "action_text": ACTION_TEXT[r.action], "layer_name": catalog.get(r.layer).name,
             "name": r.name, "status": r.status, "submitted_by": r.submitted_by,
             "submitted": f"{r.submitted_at:%Y-%m-%d %H:%M}", "comment": r.comment or ""} for r in df.itertuples()]


@callback(Output(REVIEW, "children"), Output(P + "change", "data"), Input(QUEUE, "cellClicked"),
          prevent_initial_call=True)
def review_detail(cell):
    """Before and after of the clicked change."""
    change_id = int((cell or {}).get("rowId") or 0)
    change = q.changes(scope=district_scope(), limit=1000)
    change = change[change["id"] == change_id]
    if change.empty:
        return "变更不存在", None
    c = next(change.itertuples())
    after = json.loads(c.properties or "{}")
    before = q.feature(int(c.feature_id), scope=district_scope()) if c.feature_id and c.action != "create" else None
    lines = [html.B(f"变更 {int(c.id)}：{ACTION_TEXT[c.action]}「{c.name}」（{c.status}）")]
    if before:
        lines.append(html.Div(f"当前：{before['properties']['name']}，版本 {before['properties']['version']}"))
    if c.action != "delete":
        lines.append(html.Div("提交：" + "；".join(f"{k}：{v}" for k, v in after.items())))
        if c.lon == c.lon and c.lon is not None:
            lines.append(html.Div(f"位置：{c.lon:.6f}, {c.lat:.6f}"))
    return lines, change_id


@callback(Output(REVIEW, "children", allow_duplicate=True), Output(REFRESH, "n_intervals", allow_duplicate=True),
          Input(APPROVE, "n_clicks"), Input(REJECT, "n_clicks"), State(P + "change", "data"), State(COMMENT, "value"),
          State(REFRESH, "n_intervals"), prevent_initial_call=True)
def decide(_a, _r, change_id, comment, tick):
    """Publish or reject the selected change (city GIS administrator only)."""
    if not can("gis.review"):
        return "无权审核", no_update
    if not change_id:
        return "请先在列表中点击一条变更", no_update
    try:
        with db.session() as s:
            if ctx.triggered_id == APPROVE:
                feature = m.approve(s, _actor(), change_id)
                text = (f"已发布：要素版本 {feature.version}" if feature is not None else
                        "未发布：该要素在提交后已被修改，已标记为冲突，请通知编辑人员在最新版本上重新提交")
            else:
                m.reject(s, _actor(), change_id, comment)
                text = "已驳回"
    except m.EditError as exc:
        return str(exc), no_update
    return text, (tick or 0) + 1


@callback(Output(HISTORY, "rowData", allow_duplicate=True), Output(ROLLBACK_TO, "options"),
          Output(MESSAGE, "children", allow_duplicate=True), Output(MESSAGE, "className", allow_duplicate=True),
          Input(ROLLBACK, "n_clicks"), State(ROLLBACK_TO, "value"), State(P + "feature", "data"),
          prevent_initial_call=True)
def roll_back(_n, to_version, feature):
    """Publish an earlier version again (city GIS administrator only)."""
    if not can("gis.review"):
        return no_update, no_update, "无权回退", "gis-message error"
    if not feature or not to_version:
        return no_update, no_update, "请先选择要素和要回退到的版本", "gis-message error"
    try:
        with db.session() as s:
            m.rollback(s, _actor(), feature["id"], int(to_version), expected_version=feature["version"])
    except m.EditError as exc:
        return no_update, no_update, str(exc), "gis-message error"
    history = _history_rows(feature["id"])
    return (history, [{"label": f"版本 {r['version']}", "value": r["version"]} for r in history[1:]],
            f"已回退到版本 {to_version}（新版本 {history[0]['version']}）；请重新点击要素继续编辑", "gis-message ok")
