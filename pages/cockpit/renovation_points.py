"""装修垃圾收运点位台账 (module 236): the ledger of collection points by district and kind, and the points on
the map, aggregated on the server into grid cells until the view is close enough for single points.

For leaders on the wall display and district analysts: district filter, the ledger grid of a district's
points (busiest first), export of the district table and the ledger.
"""
from __future__ import annotations

import dash
from dash import Input, Output, callback, html

from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu
from components.grid import data_grid
from components.renovation_board import district_filter_bar, register_export, scope_caption
from db.renovation_waste import POINT_KINDS
from layers.basemap import base_map
from layers.choropleth import choropleth_layer, choropleth_outputs, choropleth_view
from layers.renovation_points import point_collection, point_hideout, point_layer
from queries import renovation_waste as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/renovation/points", name="装修垃圾收运点位", order=50,
                   title="装修垃圾收运点位台账 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="收运点台账统计与地图落点（服务端聚合）")

P = "rw-points-"
DISTRICT, CRUMB, ASOF, REFRESH = (P + k for k in ("district", "crumb", "asof", "refresh"))
MAP, LAYER, OUTLINE, MAP_NOTE = (P + k for k in ("map", "layer", "districts", "map-note"))
BY_DISTRICT, GRID = P + "by-district", P + "grid"
K_POINTS, K_ACTIVE, K_TRANSFER, K_CAPACITY = (P + k for k in ("k-points", "k-active", "k-transfer", "k-capacity"))
EXPORTS = {"district": "分区点位统计", "ledger": "收运点台账"}
FILTERS = [Input(DISTRICT, "value"), Input(REFRESH, "n_intervals")]
COLUMNS = [
    {"field": "code", "headerName": "点位编号", "minWidth": 150},
    {"field": "name", "headerName": "点位名称", "minWidth": 180},
    {"field": "kind", "headerName": "类型", "maxWidth": 120},
    {"field": "street", "headerName": "街镇"},
    {"field": "company", "headerName": "清运企业", "minWidth": 180},
    {"field": "capacity_t", "headerName": "容量(吨)", "maxWidth": 100},
    {"field": "status", "headerName": "状态", "maxWidth": 80},
    {"field": "trips", "headerName": "累计清运(车次)", "maxWidth": 130},
    {"field": "mean_hours", "headerName": "平均清运时效(小时)", "maxWidth": 150},
]


def layout(**_query) -> html.Div:
    """Header, district filter, KPIs, the map beside the per-district ledger chart, then the ledger grid."""
    return html.Div(className="page board", children=[
        board_header("装修垃圾收运点位台账", P, export=export_menu(P, EXPORTS)),
        district_filter_bar(P, districts=q.district_names(), scope=district_scope()),
        kpi_row([kpi_card("收运点总数", K_POINTS, unit="个"), kpi_card("在用点位", K_ACTIVE, unit="个"),
                 kpi_card("街镇中转点", K_TRANSFER, unit="个"), kpi_card("设计容量合计", K_CAPACITY, unit="吨")]),
        html.Div(className="grid-2", children=[
            panel("收运点分布（缩放查看单个点位）",
                  base_map([choropleth_layer(layer_id=OUTLINE), point_layer(layer_id=LAYER)], map_id=MAP, height="520px"),
                  html.Div(id=MAP_NOTE, className="caption")),
            chart_card("各区收运点数量（按类型）", BY_DISTRICT, height=520),
        ]),
        panel("收运点台账（按累计清运车次排序）", data_grid(GRID, COLUMNS, height=460, file_name="收运点台账.csv",
                                                row_id="code")),
    ])


@callback(Output(K_POINTS, "children"), Output(K_ACTIVE, "children"), Output(K_TRANSFER, "children"),
          Output(K_CAPACITY, "children"), Output(CRUMB, "children"), Output(ASOF, "children"),
          Output(BY_DISTRICT, "figure"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def ledger(district, _tick):
    """Headline counts and the per-district chart (a scoped user sees their district only)."""
    scope = district_scope()
    s = q.point_summary(district, scope=scope)
    span = q.data_span()
    crumb, asof = scope_caption(scope or district, q.district_names(), span["first"], span["last"])
    df = q.points_by_district(scope=scope)
    fig = figures.stacked_bars(df.name, {k: df[k].tolist() for k in POINT_KINDS}, unit=" 个")
    return (f"{s['points']:,}", f"{s['active']:,}", f"{s['transfer']:,}", f"{s['capacity_t']:,.0f}", crumb, asof,
            fig)


@callback(*choropleth_outputs(OUTLINE), *FILTERS)
@memo_callback(q.DATASET, "reference")
def outline(district, _tick):
    """The districts as the map's base (no online tiles), shaded by their point count through hideout."""
    df = q.points_by_district(scope=district_scope())
    tips = {r.district_code: f"{r.name}：{int(r.points):,} 个收运点" for r in df.itertuples()}
    return choropleth_view(dict(zip(df.district_code, df.points)), tips, selected=district_scope() or district)


@callback(Output(GRID, "rowData"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def grid(district, _tick):
    """The ledger rows of the chosen district (the city's busiest points when none is chosen)."""
    df = q.point_ledger(district, scope=district_scope(), limit=3000)
    df = df.assign(status=df.active.map({True: "在用", False: "停用"}), mean_hours=df.mean_hours.round(1))
    return df[[c["field"] for c in COLUMNS]].to_dict("records")


@callback(Output(LAYER, "data"), Output(LAYER, "hideout"), Output(MAP_NOTE, "children"),
          Input(MAP, "zoom"), Input(MAP, "bounds"), *FILTERS)
def draw(zoom, bounds, district, _tick):
    """Grid cells or single points in the current view, never the whole set."""
    view = q.point_map(zoom or 9, bounds, district, scope=district_scope())
    data = point_collection(view["rows"], view["mode"])
    note = (f"当前视野 {len(view['rows']):,} 个网格（共 {int(view['rows']['count'].sum()):,} 个点位），放大至 "
            f"{q.POINT_ZOOM} 级显示单个点位" if view["mode"] == "cells"
            else f"当前视野显示 {len(view['rows']):,} 个点位（最多 {q.MAX_POINTS_IN_VIEW:,} 个）")
    return data, point_hideout(data), note


def export_frame(target: str, district):
    """The table of one export target, with Chinese headers."""
    scope = district_scope()
    if target == "district":
        df = q.points_by_district(scope=scope)
        cols = {"name": "区", "points": "收运点数", "active": "在用", **{k: k for k in POINT_KINDS},
                "capacity_t": "设计容量(吨)"}
    else:
        df = q.point_ledger(district, scope=scope, limit=100_000)
        df = df.assign(status=df.active.map({True: "在用", False: "停用"}))
        cols = {c["field"]: c["headerName"] for c in COLUMNS} | {"address": "地址", "lon": "经度", "lat": "纬度"}
    return df[list(cols)].rename(columns=cols)


register_export(P, EXPORTS, export_frame, [(DISTRICT, "value")])
