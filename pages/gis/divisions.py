"""行政区划: the 16 districts and their streets and towns on the map, for GIS staff and analysts.

Click a district to drill into its (approximate) street cells; the grid and chart follow the selection.
"""
from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html, no_update
from flask import current_app

from components import figures
from components.cards import chart_card, kpi_card, panel
from components.grid import data_grid
from layers.basemap import base_map
from layers.choropleth import choropleth_layer, choropleth_outputs, choropleth_view
from queries import reference
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/gis/divisions", name="行政区划", title="行政区划 · 绿容通",
                   category="gis", order=10, permission="gis.view",
                   description="16 个区及其街道、镇的边界、面积与名录")

P = "gis-divisions-"
SELECTED, METRIC, GEOJSON, BACK = P + "selected", P + "metric", P + "geojson", P + "back"
KPI_DISTRICTS, KPI_SUBDISTRICTS, KPI_TOWNS, KPI_AREA = (P + k for k in ("k-d", "k-s", "k-t", "k-a"))
CHART, GRID, CAPTION = P + "chart", P + "grid", P + "caption"
METRICS = {"area_km2": ("轮廓面积", "平方公里"), "units": ("街镇数", "个")}
GRID_COLUMNS = [
    {"field": "code", "headerName": "统计用区划代码", "maxWidth": 160},
    {"field": "name", "headerName": "名称"},
    {"field": "district", "headerName": "所属区"},
    {"field": "kind", "headerName": "类型", "maxWidth": 100},
    {"field": "lon", "headerName": "中心经度", "maxWidth": 120},
    {"field": "lat", "headerName": "中心纬度", "maxWidth": 120},
]


def layout(**_query) -> html.Div:
    """KPI row, the map with a metric selector, a chart and the street grid."""
    settings = current_app.config["LVRONG"]
    return html.Div(className="page", children=[
        dcc.Store(id=SELECTED, data=None),
        html.Div(className="kpi-row", children=[
            kpi_card("区", KPI_DISTRICTS, unit="个"), kpi_card("街道", KPI_SUBDISTRICTS, unit="个"),
            kpi_card("镇", KPI_TOWNS, unit="个"), kpi_card("轮廓面积", KPI_AREA, unit="平方公里", hint="按边界轮廓计算，含部分水域、滩涂"),
        ]),
        html.Div(className="grid-2", children=[
            panel("区划地图",
                  html.Div(className="toolbar", children=[
                      dcc.RadioItems(id=METRIC, value="area_km2", inline=True, className="radio",
                                     options=[{"label": v[0], "value": k} for k, v in METRICS.items()]),
                      html.Button("返回全市", id=BACK, className="tool-button", n_clicks=0),
                      html.Span(id=CAPTION, className="caption"),
                  ]),
                  base_map([choropleth_layer(layer_id=GEOJSON)], map_id=P + "map", tile_url=settings.tile_url,
                           attribution=settings.tile_attribution)),
            chart_card("各区指标", CHART, height=560),
        ]),
        panel("街道、镇名录", data_grid(GRID, GRID_COLUMNS, file_name="街镇名录.csv")),
    ])


@callback(Output(SELECTED, "data"), Input(GEOJSON, "clickData"), Input(BACK, "n_clicks"),
          prevent_initial_call=True)
def select_district(click, _back):
    """A click on a district drills into it; 返回全市 goes back to the whole city."""
    return pick_district(click, dash.ctx.triggered_id)


def pick_district(click: dict | None, trigger: str | None):
    """The district code to select after ``trigger`` fired (clicks on street cells change nothing)."""
    if trigger == BACK:
        return None
    code = ((click or {}).get("properties") or {}).get("code", "")
    return code if len(code) == 6 else no_update


@callback(*choropleth_outputs(GEOJSON), Output(CAPTION, "children"), Input(METRIC, "value"), Input(SELECTED, "data"))
@memo_callback("reference")
def draw_map(metric, selected):
    """Districts coloured by the chosen metric, or the selected district's approximate street cells (the
    boundaries come once by URL; only values and tooltips travel)."""
    selected = reference.effective_district(selected, district_scope())
    if selected:
        names = reference.streets(selected).set_index("code")["name"].to_dict()
        name = reference.districts().set_index("code").at[selected, "name"]
        return (*choropleth_view({}, names, district=selected), f"{name}：街镇边界为近似示意，非法定界线")
    df = reference.districts().set_index("code")
    label, unit = METRICS[metric]
    tips = {c: f"{r['name']}：{r[metric]:,.0f} {unit}" for c, r in df.iterrows()}
    return (*choropleth_view(df[metric].to_dict(), tips), f"按{label}着色，点击区查看街镇")


@callback(Output(KPI_DISTRICTS, "children"), Output(KPI_SUBDISTRICTS, "children"),
          Output(KPI_TOWNS, "children"), Output(KPI_AREA, "children"),
          Output(CHART, "figure"), Output(GRID, "rowData"),
          Input(METRIC, "value"), Input(SELECTED, "data"))
@memo_callback("reference")
def fill_panels(metric, selected):
    """KPIs for the city or the selected district, a ranking chart and the street list."""
    selected = reference.effective_district(selected, district_scope())
    df = reference.districts()
    shown = df[df.code == selected] if selected else df
    label, unit = METRICS[metric]
    ranked = df.sort_values(metric, ascending=False)
    chart = figures.bar(ranked["name"], ranked[metric].round(1), horizontal=True, unit=unit)
    rows = reference.streets(selected, scope=district_scope()).drop(columns=["district_code"]).to_dict("records")
    return (f"{len(shown):,}", f"{int(shown.subdistricts.sum()):,}", f"{int(shown.towns.sum()):,}",
            f"{shown.area_km2.sum():,.0f}", chart, rows)
