"""12319 办理情况和满意度 (module 215): on-time completion, response, resolution and satisfaction (the
three-party evaluation) by district and business line, their trends, and the ten worst."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from analytics.rates import RATE_LABELS, rank_worst
from components import figures
from components.board import board_header, filter_bar, kpi_row, pct, ranked_list
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from db.hotline12319 import BUSINESS_LINES
from queries import hotline12319 as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/12319/satisfaction", name="12319 办理与满意度", order=12,
                   title="12319 办理情况和满意度 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="按时办结率、响应率、解决率、满意率，分区分条线对比与排名")

P = "h12319-sat-"
PERIOD, LINES, REFRESH, RATE_CHART, TREND, TABLE, WORST, WORST_BY, WORST_METRIC = (P + k for k in (
    "period", "lines", "refresh", "rates", "trend", "table", "worst", "worst-by", "worst-metric"))
K_ONTIME, K_RESPONSE, K_RESOLUTION, K_SATISFACTION, K_HOURS = (P + k for k in
                                                              ("k-ontime", "k-resp", "k-resol", "k-sat", "k-hours"))
RATES = ["on_time_rate", "response_rate", "resolution_rate", "satisfaction_rate"]
EXPORTS = {"district": "分区指标", "line": "分条线指标", "worst": "后十名"}
FILTERS = [Input(PERIOD, "value"), Input(LINES, "value"), Input(REFRESH, "n_intervals")]
PCT = {"valueFormatter": {"function": "params.value == null ? '—' : d3.format('.1%')(params.value)"}}
COLUMNS = [{"field": "name", "headerName": "区"}, {"field": "received", "headerName": "受理量"},
           {"field": "evaluated", "headerName": "参评量"}] + [
    {"field": r, "headerName": RATE_LABELS[r], **PCT} for r in RATES]


def layout(**_query) -> html.Div:
    """Rate KPIs; rates by district; trends; the district table; the ten worst."""
    return html.Div(className="page board", children=[
        board_header("12319 办理情况和满意度", P, export=export_menu(P, EXPORTS)),
        filter_bar(P, periods=q.PERIODS, default_period="12m", lines=BUSINESS_LINES, back=False),
        kpi_row([kpi_card("按时办结率", K_ONTIME), kpi_card("响应率", K_RESPONSE), kpi_card("解决率", K_RESOLUTION),
                 kpi_card("满意率", K_SATISFACTION), kpi_card("平均办理时长", K_HOURS, unit="小时")]),
        html.Div(className="grid-2-even", children=[
            chart_card("分区指标对比", RATE_CHART, height=380), chart_card("月度指标趋势", TREND, height=380),
        ]),
        html.Div(className="grid-2", children=[
            panel("分区办理情况", data_grid(TABLE, COLUMNS, height=420, file_name="分区指标.csv")),
            panel("后十名", html.Div(className="toolbar", children=[
                dcc.RadioItems(id=WORST_BY, value="district", inline=True, className="radio",
                               options=[{"label": "按区", "value": "district"}, {"label": "按街镇", "value": "street"},
                                        {"label": "按条线", "value": "line"}]),
                dcc.Dropdown(id=WORST_METRIC, value="satisfaction_rate", clearable=False, style={"width": "140px"},
                             options=[{"label": RATE_LABELS[r], "value": r} for r in RATES]),
            ]), html.Div(id=WORST)),
        ]),
    ])


@callback(Output(K_ONTIME, "children"), Output(K_RESPONSE, "children"), Output(K_RESOLUTION, "children"),
          Output(K_SATISFACTION, "children"), Output(K_HOURS, "children"), Output(RATE_CHART, "figure"),
          Output(TREND, "figure"), Output(TABLE, "rowData"), Output(P + "asof", "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def rates(period, lines, _tick):
    """The four rates and average handling time, by district and by month."""
    first, last = q.period_months(period)
    scope = district_scope()
    s = q.summary(first, last, lines, scope=scope).iloc[0]
    by_district = q.by_district(first, last, lines, scope=scope)
    trend = q.monthly(first, last, lines, scope=scope)
    months = [f"{m:%Y-%m}" for m in trend.month]
    chart = figures.grouped_bars(by_district.name, {RATE_LABELS[r]: by_district[r] for r in
                                                    ("on_time_rate", "satisfaction_rate")}, percent=True)
    chart.update_yaxes(range=[0.6, 1.0])
    trend_fig = figures.lines(months, {RATE_LABELS[r]: trend[r] for r in RATES}, percent=True)
    table = by_district[[c["field"] for c in COLUMNS]].astype(object).where(by_district.notna(), None)
    as_of = q.data_span()["as_of"]
    hours = "—" if s.avg_hours != s.avg_hours else f"{s.avg_hours:.1f}"
    return (pct(s.on_time_rate), pct(s.response_rate), pct(s.resolution_rate), pct(s.satisfaction_rate), hours,
            chart, trend_fig, table.to_dict("records"), f"数据截至 {as_of:%Y-%m-%d %H:%M}" if as_of else "暂无数据")


def worst_frame(by: str, metric: str, period, lines):
    """The ten worst districts, streets or lines by ``metric`` (groups with at least 30 evaluations)."""
    first, last = q.period_months(period)
    scope = district_scope()
    if by == "street":
        districts = [scope] if scope else list(q.by_district(first, last, lines).district_code)
        frames = [q.by_street(d, first, last, lines, scope=scope).rename(columns={"street": "name"}) for d in districts]
        import pandas as pd

        frame = pd.concat(frames, ignore_index=True) if frames else q.by_district(first, last, lines).iloc[0:0]
    elif by == "line":
        frame = q.by_line(first, last, scope=scope).rename(columns={"business_line": "name"})
    else:
        frame = q.by_district(first, last, lines, scope=scope)
    return rank_worst(frame, metric, n=10)


@callback(Output(WORST, "children"), Input(WORST_BY, "value"), Input(WORST_METRIC, "value"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def worst(by, metric, period, lines, _tick):
    """The ten worst by the chosen indicator."""
    frame = worst_frame(by, metric, period, lines)
    items = [(r["name"], 1 - r[metric], pct(r[metric])) for _i, r in frame.iterrows()]
    return ranked_list(items, list_id=P + "worst-list")


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(PERIOD, "value"), State(LINES, "value"), State(WORST_BY, "value"), State(WORST_METRIC, "value"),
          prevent_initial_call=True)
def export(clicks, period, lines, by, metric):
    """Download the indicator tables (audited)."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    first, last = q.period_months(period)
    if trigger["target"] == "worst":
        df = worst_frame(by, metric, period, lines)
        label = "名称"
    elif trigger["target"] == "line":
        df = q.by_line(first, last, scope=district_scope()).rename(columns={"business_line": "name"})
        label = "业务条线"
    else:
        df = q.by_district(first, last, lines, scope=district_scope())
        label = "区"
    cols = {"name": label, "received": "受理量", "evaluated": "参评量", **{r: RATE_LABELS[r] for r in RATES}}
    frame = df[list(cols)].rename(columns=cols)
    audit_export(f"12319/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"12319_{EXPORTS[trigger['target']]}", trigger["fmt"])
