"""绿建监管工作分析 (module 229): supervision events summarised by type, status and month, a multi-dimensional
query (district, type, time, status, responsible unit) over the events with a grid, and download."""
from __future__ import annotations

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components import figures
from components.board import board_header, kpi_row, pct, period_options
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from db.greenspace import EVENT_STATUSES, EVENT_TYPES
from queries import greenspace as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/greenspace/supervision", name="绿建监管工作分析", order=76,
                   title="绿建监管工作分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="监管事件汇总、按区/类型/时间/状态/责任单位的多维查询与下载")

P = "gs-sup-"
PERIOD, DISTRICT, TYPES, STATUSES, UNITS, REFRESH = (P + k for k in ("period", "district", "types", "statuses",
                                                                     "units", "refresh"))
BY_TYPE, BY_STATUS, TREND, GRID = (P + k for k in ("by-type", "by-status", "trend", "grid"))
K_EVENTS, K_CLOSED, K_OPEN, K_RATE, K_ONTIME = (P + k for k in ("k-events", "k-closed", "k-open", "k-rate", "k-ontime"))
EXPORTS = {"events": "事件明细", "summary": "分类汇总"}
FILTERS = [Input(PERIOD, "value"), Input(DISTRICT, "value"), Input(TYPES, "value"), Input(STATUSES, "value"),
           Input(UNITS, "value"), Input(REFRESH, "n_intervals")]
COLUMNS = [
    {"field": "event_no", "headerName": "事件编号", "minWidth": 140}, {"field": "reported", "headerName": "上报时间", "minWidth": 140},
    {"field": "district", "headerName": "区", "maxWidth": 100}, {"field": "event_type", "headerName": "事件类型"},
    {"field": "source", "headerName": "来源"}, {"field": "status", "headerName": "状态", "maxWidth": 90},
    {"field": "overdue_text", "headerName": "超期", "maxWidth": 80, "cellClassRules": {"overdue-cell": "params.value === '超期'"}},
    {"field": "unit", "headerName": "责任单位", "minWidth": 180}, {"field": "location", "headerName": "地点", "minWidth": 180},
    {"field": "description", "headerName": "事件描述", "minWidth": 260},
]
LIMIT = 1000


def _dd(id_, options, placeholder, width):
    return dcc.Dropdown(id=id_, options=options, multi=True, placeholder=placeholder, className="filter-dd",
                        style={"minWidth": width})


def layout(**_query) -> html.Div:
    """The five query dimensions, KPIs, type/status/trend charts and the event grid."""
    scope = district_scope()
    return html.Div(className="page board", children=[
        board_header("绿建监管工作分析", P, export=export_menu(P, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("时间", className="filter-label"),
            dcc.Dropdown(id=PERIOD, options=period_options(q.PERIODS), value="12m", clearable=False,
                         className="filter-dd", style={"width": "130px"}),
            html.Label("区", className="filter-label"),
            dcc.Dropdown(id=DISTRICT, options=[{"label": n, "value": c} for c, n in q.district_names().items()
                                               if not scope or c == scope],
                         placeholder="全市", className="filter-dd", style={"width": "130px"}),
            html.Label("类型", className="filter-label"),
            _dd(TYPES, [{"label": t, "value": t} for t in EVENT_TYPES], "全部类型", "180px"),
            html.Label("状态", className="filter-label"),
            _dd(STATUSES, [{"label": s, "value": s} for s in EVENT_STATUSES], "全部状态", "150px"),
            html.Label("责任单位", className="filter-label"),
            _dd(UNITS, [{"label": u, "value": u} for u in q.event_units(scope=scope)], "全部单位", "220px"),
        ]),
        kpi_row([kpi_card("事件数", K_EVENTS, unit="件"), kpi_card("已办结", K_CLOSED, unit="件"),
                 kpi_card("未办结", K_OPEN, unit="件"), kpi_card("办结率", K_RATE), kpi_card("按时办结率", K_ONTIME)]),
        html.Div(className="grid-3", children=[chart_card("事件类型", BY_TYPE, height=340),
                                               chart_card("处置状态", BY_STATUS, height=340),
                                               chart_card("月度事件数", TREND, height=340)]),
        panel(f"事件明细（最新 {LIMIT} 条，完整结果请导出）", data_grid(GRID, COLUMNS, height=460, file_name="监管事件.csv")),
    ])


def _rows(df: pd.DataFrame) -> list[dict]:
    out = df.copy()
    out["reported"] = out.reported_at.dt.strftime("%Y-%m-%d %H:%M")
    out["overdue_text"] = out.overdue.map({True: "超期", False: "正常"})
    return out[[c["field"] for c in COLUMNS]].to_dict("records")


@callback(Output(K_EVENTS, "children"), Output(K_CLOSED, "children"), Output(K_OPEN, "children"),
          Output(K_RATE, "children"), Output(K_ONTIME, "children"), Output(P + "asof", "children"),
          Output(BY_TYPE, "figure"), Output(BY_STATUS, "figure"), Output(TREND, "figure"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def summary(period, district, types, statuses, units, _tick):
    """KPIs and the type, status and monthly charts for the query."""
    first, last = q.period_months(period)
    scope, args = district_scope(), (first, last, district, types, statuses, units)
    s = q.event_summary(*args, scope=scope)
    by_type = q.events_by("event_type", *args, scope=scope)
    by_status = q.events_by("status", *args, scope=scope)
    months = q.events_by("month", *args, scope=scope)
    return (f"{int(s['events']):,}", f"{int(s['closed']):,}", f"{int(s['open']):,}", pct(s["closure_rate"]),
            pct(s["on_time_rate"]), f"{first:%Y年%m月}—{last:%Y年%m月}" if first else "暂无数据",
            figures.bar(by_type.event_type, by_type.events, horizontal=True, unit=" 件"),
            figures.bar(by_status.status, by_status.events, unit=" 件"),
            figures.bar([f"{pd.Timestamp(m):%Y-%m}" for m in months.month], months.events, unit=" 件"))


@callback(Output(GRID, "rowData"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def events(period, district, types, statuses, units, _tick):
    """The newest events matching the query."""
    first, last = q.period_months(period)
    return _rows(q.event_list(first, last, district, types, statuses, units, scope=district_scope(), limit=LIMIT))


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(PERIOD, "value"), State(DISTRICT, "value"), State(TYPES, "value"), State(STATUSES, "value"),
          State(UNITS, "value"), prevent_initial_call=True)
def export(clicks, period, district, types, statuses, units):
    """Download every event matching the query, or the summary by type and status; audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    frame = export_frame(trigger["target"], period, district, types, statuses, units)
    audit_export(f"greenspace/supervision-{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"绿建监管_{EXPORTS[trigger['target']]}", trigger["fmt"])


def export_frame(target: str, period, district, types, statuses, units) -> pd.DataFrame:
    """The full event list of the query (Chinese headers), or the counts by type."""
    first, last = q.period_months(period)
    scope = district_scope()
    if target == "events":
        df = q.event_list(first, last, district, types, statuses, units, scope=scope, limit=200_000)
        out = pd.DataFrame(_rows(df), columns=[c["field"] for c in COLUMNS])
        out["deadline"] = df.deadline_at.dt.strftime("%Y-%m-%d %H:%M").tolist()
        out["closed"] = df.closed_at.dt.strftime("%Y-%m-%d %H:%M").fillna("").tolist()
        return out.rename(columns={**{c["field"]: c["headerName"] for c in COLUMNS}, "deadline": "处置时限",
                                   "closed": "办结时间"})
    df = q.events_by("event_type", first, last, district, types, statuses, units, scope=scope)
    return df.rename(columns={"event_type": "事件类型", "events": "事件数", "closed": "已办结", "closed_on_time": "按时办结",
                              "closure_rate": "办结率", "on_time_rate": "按时办结率"})
