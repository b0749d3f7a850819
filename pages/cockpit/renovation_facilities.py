"""装修垃圾分拣处置分析 (module 240): load rates (负荷率 = tonnes received ÷ design capacity) of the sorting and
disposal facilities: their distribution over facility-days, the bands, and the facilities on the map."""
from __future__ import annotations

import dash
from dash import Input, Output, callback, html

from analytics.renovation_waste import LOAD_BAND_LABELS, load_histogram
from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu
from components.grid import data_grid
from components.renovation_board import district_filter_bar, register_export, scope_caption
from layers.basemap import base_map
from layers.choropleth import boundaries_url, choropleth_hideout, choropleth_layer
from layers.renovation_points import BAND_COLORS, facility_collection, facility_layer
from queries import reference
from queries import renovation_waste as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/renovation/facilities", name="装修垃圾分拣处置", order=54,
                   title="装修垃圾分拣处置分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="分拣处置设施负荷率分布与地图")

P = "rw-fac-"
PERIOD, DISTRICT, CRUMB, ASOF, REFRESH = (P + k for k in ("period", "district", "crumb", "asof", "refresh"))
MAP, LAYER, HISTOGRAM, BANDS, GRID = (P + k for k in ("map", "layer", "histogram", "bands", "grid"))
K_COUNT, K_CAPACITY, K_RATE, K_OVER = (P + k for k in ("k-count", "k-capacity", "k-rate", "k-over"))
EXPORTS = {"facility": "设施负荷率"}
FILTERS = [Input(PERIOD, "value"), Input(DISTRICT, "value"), Input(REFRESH, "n_intervals")]
HEADERS = {"name": "设施名称", "kind": "类型", "district": "区", "capacity_t_per_day": "设计能力(吨/日)",
           "weight_t": "进场量(吨)", "load_rate": "平均负荷率", "peak_rate": "峰值日负荷率", "band": "负荷等级"}
PERCENT = {"function": "d3.format('.1%')(params.value)"}
COLUMNS = [{"field": k, "headerName": v, **({"valueFormatter": PERCENT} if k.endswith("_rate") else {})}
           for k, v in HEADERS.items()]


def layout(**_query) -> html.Div:
    """Header, filters, KPIs, the facility map beside the load-rate histogram, the bands and the table."""
    return html.Div(className="page board", children=[
        board_header("装修垃圾分拣处置分析", P, export=export_menu(P, EXPORTS)),
        district_filter_bar(P, periods=q.PERIODS, default_period="3m", districts=q.district_names(),
                            scope=district_scope()),
        kpi_row([kpi_card("处置设施", K_COUNT, unit="座"), kpi_card("设计处置能力", K_CAPACITY, unit="吨/日"),
                 kpi_card("平均负荷率", K_RATE), kpi_card("超负荷设施", K_OVER, unit="座")]),
        html.Div(className="grid-2", children=[
            panel("处置设施分布（颜色：负荷等级，大小：设计能力）",
                  base_map([_district_outline(), facility_layer(layer_id=LAYER)], map_id=MAP, height="480px")),
            chart_card("日负荷率分布（设施·日）", HISTOGRAM, height=480),
        ]),
        html.Div(className="grid-2", children=[
            chart_card("负荷等级", BANDS, height=380),
            panel("设施负荷率", data_grid(GRID, COLUMNS, height=380, file_name="设施负荷率.csv")),
        ]),
    ])


def _district_outline():
    """The districts, unshaded, as the map's base (no online tiles); the boundaries come by URL."""
    names = reference.districts().set_index("code")["name"].to_dict()
    return choropleth_layer(layer_id=P + "districts", url=boundaries_url(),
                            hideout=choropleth_hideout({}, names, selected=district_scope()))


@callback(Output(K_COUNT, "children"), Output(K_CAPACITY, "children"), Output(K_RATE, "children"),
          Output(K_OVER, "children"), Output(CRUMB, "children"), Output(ASOF, "children"), Output(LAYER, "data"),
          Output(LAYER, "hideout"), Output(BANDS, "figure"), Output(GRID, "rowData"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def facilities(period, district, _tick):
    """Facility KPIs (the average rate weighted by capacity), the map, the bands and the table."""
    first, last = q.period_days(period)
    df = q.facility_loads(first, last, district, scope=district_scope())
    crumb, asof = scope_caption(district_scope() or district, q.district_names(), first, last)
    capacity = float(df.capacity_t_per_day.sum())
    rate = (df.load_rate * df.capacity_t_per_day).sum() / capacity if capacity else None
    bands = df.band.value_counts().reindex(LOAD_BAND_LABELS, fill_value=0)
    hideout = {"colors": BAND_COLORS, "maxCapacity": float(df.capacity_t_per_day.max()) if len(df) else 1.0}
    rows = df[list(HEADERS)].round({"weight_t": 1, "load_rate": 3, "peak_rate": 3})
    return (f"{len(df)}", f"{capacity:,.0f}", pct(rate), f"{int((df.load_rate >= 1).sum())}", crumb, asof,
            facility_collection(df), hideout, figures.bar(bands.index, bands.tolist(), unit=" 座"),
            rows.to_dict("records"))


@callback(Output(HISTOGRAM, "figure"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def histogram(period, district, _tick):
    """How often facilities ran at each load rate, in 10 % bins (the last bin: 140 % and above)."""
    first, last = q.period_days(period)
    lows, counts = load_histogram(q.facility_daily_rates(first, last, district, scope=district_scope()))
    labels = [f"{lo * 100:.0f}%" + ("+" if i == len(lows) - 1 else "") for i, lo in enumerate(lows)]
    fig = figures.bar(labels, counts.tolist(), unit=" 设施·日")
    return fig.update_xaxes(type="category")  # keep the "%" labels as categories


def export_frame(target: str, period, district):
    """The facility table, with Chinese headers."""
    first, last = q.period_days(period)
    return q.facility_loads(first, last, district, scope=district_scope())[list(HEADERS)].rename(columns=HEADERS)


register_export(P, EXPORTS, export_frame, [(PERIOD, "value"), (DISTRICT, "value")])
