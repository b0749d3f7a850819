"""野生动物疫源疫病分析 (module 235): the monitoring stations' daily reports (zero reports included), anomalies
(dead or sick animals) and their response status, the stations on the map, and missing daily reports flagged.
"""
from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, html, no_update

from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from components.selectors import selector, selector_bar
from layers.basemap import base_map
from layers.points import circle_markers
from queries import wildlife as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/wildlife/epidemic", name="疫源疫病监测", order=35,
                   title="野生动物疫源疫病分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="监测站日报（含零报告）、异常情况、处置状态与缺报提示")

P = "wl-epi-"
DAYS, ASOF, REFRESH = P + "days", P + "asof", P + "refresh"
MAP_LAYER, DAILY_CHART, STATION_GRID, ANOMALY_GRID = (P + k for k in ("layer", "daily", "stations", "anomalies"))
K_STATIONS, K_TODAY, K_MISSING, K_ANOMALIES, K_DEATHS, K_OPEN = (
    P + k for k in ("k-stations", "k-today", "k-missing", "k-anomalies", "k-deaths", "k-open"))
PERIODS = {7: "近 7 天", 30: "近 30 天", 90: "近 90 天", 365: "近 1 年"}
OPEN_STATES = ["待核查", "已采样送检", "处置中"]
EXPORTS = {"stations": "监测站报送情况", "anomalies": "异常报告"}
STATION_COLUMNS = [{"field": "name", "headerName": "监测站", "minWidth": 220}, {"field": "level", "headerName": "级别"},
                   {"field": "district", "headerName": "区"}, {"field": "due", "headerName": "应报"},
                   {"field": "received", "headerName": "实报"}, {"field": "missing", "headerName": "缺报"},
                   {"field": "missing_days", "headerName": "缺报日期", "minWidth": 200},
                   {"field": "last_report", "headerName": "最近报送"}]
ANOMALY_COLUMNS = [{"field": "report_date", "headerName": "日期"}, {"field": "station", "headerName": "监测站", "minWidth": 200},
                   {"field": "species", "headerName": "物种"}, {"field": "deaths", "headerName": "死亡"},
                   {"field": "sick", "headerName": "患病"}, {"field": "suspected", "headerName": "初步判断", "minWidth": 160},
                   {"field": "response", "headerName": "处置状态"}]
RULE = {"function": "params.data.missing > 0 ? {'background': '#fde2e1', 'color': '#9b1c1c'} : null"}


def layout(**_query) -> html.Div:
    """Period choice, KPIs, the station map beside the daily chart, the station and anomaly grids."""
    return html.Div(className="page board", children=[
        board_header("野生动物疫源疫病分析", P, export=export_menu(P, EXPORTS)),
        selector_bar(selector("时间", DAYS, [{"label": v, "value": k} for k, v in PERIODS.items()], 30, width="130px")),
        kpi_row([kpi_card("监测站", K_STATIONS, unit="个"), kpi_card("今日已报", K_TODAY, unit="站"),
                 kpi_card("今日缺报", K_MISSING, unit="站"), kpi_card("异常报告", K_ANOMALIES, unit="份"),
                 kpi_card("死亡个体", K_DEATHS, unit="只"), kpi_card("待处置异常", K_OPEN, unit="份")]),
        html.Div(className="grid-2", children=[
            panel("监测站分布（红：近 7 天有异常；橙：近 7 天缺报）",
                  base_map([html.Div(id=MAP_LAYER)], map_id=P + "map", height="480px")),
            chart_card("每日报送与异常", DAILY_CHART, height=480),
        ]),
        panel("监测站报送情况（近 7 天，缺报标红）", data_grid(STATION_GRID, [
            dict(c, cellStyle=RULE) if c["field"] == "missing" else c for c in STATION_COLUMNS],
            height=380, file_name="监测站报送.csv")),
        panel("异常报告与处置状态", data_grid(ANOMALY_GRID, ANOMALY_COLUMNS, height=380, file_name="异常报告.csv")),
    ])


@callback(Output(K_STATIONS, "children"), Output(K_TODAY, "children"), Output(K_MISSING, "children"),
          Output(K_ANOMALIES, "children"), Output(K_DEATHS, "children"), Output(K_OPEN, "children"),
          Output(DAILY_CHART, "figure"), Output(ANOMALY_GRID, "rowData"), Output(ASOF, "children"),
          Input(DAYS, "value"), Input(REFRESH, "n_intervals"))
@memo_callback(q.DATASET, "reference")
def reports(days, _tick):
    """The period's daily series, KPIs and anomaly list."""
    scope = district_scope()
    daily = q.epi_daily(days or 30, scope=scope)
    anomalies = q.anomalies(days or 30, scope=scope)
    if daily.empty:
        return "0", "0", "0", "0", "0", "0", figures.empty(), [], "暂无报送数据"
    today = daily.iloc[-1]
    x = daily.day.dt.strftime("%m-%d")
    fig = figures.stacked_bars(x, {"零报告": daily.zero_reports.tolist(), "异常报告": daily.anomalies.tolist(),
                                   "缺报": daily.missing.tolist()}, unit=" 份")
    fig.add_trace(go.Scatter(x=x, y=daily.deaths, name="死亡个体", yaxis="y2", mode="lines",
                             line={"color": "#d9534f"}))
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "title": "只"})
    grid = anomalies.assign(report_date=anomalies.report_date.dt.strftime("%Y-%m-%d"))
    return (f"{int(today.expected)}", f"{int(today.reports)}", f"{int(today.missing)}",
            f"{int(daily.anomalies.sum()):,}", f"{int(daily.deaths.sum()):,}",
            f"{int(anomalies.response.isin(OPEN_STATES).sum())}", fig,
            grid.drop(columns=["lon", "lat"]).to_dict("records"), f"日报截至 {q.epi_as_of():%Y-%m-%d}")


@callback(Output(MAP_LAYER, "children"), Output(STATION_GRID, "rowData"), Input(REFRESH, "n_intervals"))
@memo_callback(q.DATASET, "reference")
def stations(_tick):
    """Stations coloured by their last week: anomaly (red), missing reports (orange) or normal (green)."""
    scope = district_scope()
    status = q.station_status(7, scope=scope)
    recent = set(q.anomalies(7, scope=scope).station_code)
    rows = []
    for r in status.itertuples():
        color = "#d9534f" if r.code in recent else ("#f0a030" if r.missing else "#2f9e6e")
        note = f"，缺报 {r.missing} 天（{r.missing_days}）" if r.missing else ""
        rows.append({"lon": r.lon, "lat": r.lat, "value": 1, "color": color, "tooltip": f"{r.name}{note}"})
    grid = status.assign(last_report=status.last_report.astype(str))
    return (circle_markers(rows, layer_id=P + "station-markers", max_radius=8),
            grid[[c["field"] for c in STATION_COLUMNS]].to_dict("records"))


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(DAYS, "value"), prevent_initial_call=True)
def export(clicks, days):
    """Download the station status or the anomaly list; audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    scope = district_scope()
    if trigger["target"] == "stations":
        df, cols = q.station_status(7, scope=scope), STATION_COLUMNS
    else:
        df, cols = q.anomalies(days or 30, scope=scope), ANOMALY_COLUMNS
    frame = df[[c["field"] for c in cols]].rename(columns={c["field"]: c["headerName"] for c in cols})
    audit_export(f"wildlife/epidemic/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"疫源疫病_{EXPORTS[trigger['target']]}", trigger["fmt"])
