"""绿建养护巡查分析 (module 228): maintenance patrols: coverage of the sites under contract, problems found,
and rectification (on time) by maintenance company, district and month."""
from __future__ import annotations

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components import figures
from components.board import board_header, kpi_row, pct, period_options, ranked_list
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from queries import greenspace as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/greenspace/patrol", name="绿建养护巡查分析", order=75,
                   title="绿建养护巡查分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="养护巡查覆盖率、问题发现与整改率，按养护单位、区和月份分析")

P = "gs-patrol-"
PERIOD, DISTRICT, REFRESH = (P + k for k in ("period", "district", "refresh"))
TREND, BY_DISTRICT, BY_TYPE, WORST = (P + k for k in ("trend", "by-district", "by-type", "worst"))
K_PATROLS, K_COVER, K_PROBLEMS, K_RECT, K_ONTIME = (P + k for k in ("k-patrols", "k-cover", "k-problems", "k-rect",
                                                                    "k-ontime"))
EXPORTS = {"unit": "养护单位统计", "district": "分区统计", "month": "月度统计"}
FILTERS = [Input(PERIOD, "value"), Input(DISTRICT, "value"), Input(REFRESH, "n_intervals")]
HEADERS = {"district": "区", "unit": "养护单位", "month": "月份", "sites": "养护点位", "sites_patrolled": "已巡查点位",
           "patrols": "巡查次数", "coverage_rate": "覆盖率", "problems": "发现问题", "rectified": "已整改",
           "rectification_rate": "整改率", "on_time_rectification_rate": "按期整改率"}


def layout(**_query) -> html.Div:
    """Period and district filters, KPIs, monthly trend, per-district rates, problem types, weakest units."""
    scope = district_scope()
    return html.Div(className="page board", children=[
        board_header("绿建养护巡查分析", P, export=export_menu(P, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("时间", className="filter-label"),
            dcc.Dropdown(id=PERIOD, options=period_options(q.PERIODS), value="12m", clearable=False,
                         className="filter-dd", style={"width": "140px"}),
            html.Label("区", className="filter-label"),
            dcc.Dropdown(id=DISTRICT, options=[{"label": n, "value": c} for c, n in q.district_names().items()
                                               if not scope or c == scope],
                         placeholder="全市", className="filter-dd", style={"width": "140px"}),
        ]),
        kpi_row([kpi_card("巡查次数", K_PATROLS, unit="次"), kpi_card("巡查覆盖率", K_COVER, hint="已巡查点位月 / 养护点位月"),
                 kpi_card("发现问题", K_PROBLEMS, unit="个"), kpi_card("整改率", K_RECT), kpi_card("按期整改率", K_ONTIME)]),
        html.Div(className="grid-2-even", children=[chart_card("月度问题发现与整改率", TREND, height=380),
                                                    chart_card("分区覆盖率与整改率", BY_DISTRICT, height=380)]),
        html.Div(className="grid-2-even", children=[chart_card("问题类型", BY_TYPE, height=380),
                                                    panel("整改率最低的养护单位（问题 ≥ 20 个）", html.Div(id=WORST))]),
    ])


@callback(Output(K_PATROLS, "children"), Output(K_COVER, "children"), Output(K_PROBLEMS, "children"),
          Output(K_RECT, "children"), Output(K_ONTIME, "children"), Output(P + "asof", "children"),
          Output(TREND, "figure"), Output(BY_DISTRICT, "figure"), Output(BY_TYPE, "figure"), Output(WORST, "children"),
          *FILTERS)
@memo_callback(q.DATASET, "reference")
def refresh(period, district, _tick):
    """KPIs, the monthly trend, per-district rates, problem types and the weakest units."""
    first, last = q.period_months(period)
    scope = district_scope()
    s = q.patrol_summary(first, last, district, scope=scope)
    months = q.patrol_by("month", first, last, district, scope=scope)
    by_d = q.patrol_by("district_code", first, last, district, scope=scope)
    types = q.problems_by_type(first, last, district, scope=scope)
    units = q.patrol_by("unit", first, last, district, scope=scope)
    worst = units[units.problems >= 20].sort_values(["rectification_rate", "problems"], ascending=[True, False]).head(10)
    items = [(f"{r.unit}（{r.district}）", float(r.rectification_rate), pct(r.rectification_rate)) for r in worst.itertuples()]
    labels = [f"{pd.Timestamp(m):%Y-%m}" for m in months.month]
    trend = figures.lines(labels, {"整改率": months.rectification_rate.round(4),
                                   "按期整改率": months.on_time_rectification_rate.round(4)}, percent=True)
    trend.add_bar(x=labels, y=months.problems.tolist(), name="发现问题", yaxis="y2", opacity=0.35)
    trend.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False})
    span = f"{first:%Y年%m月}—{last:%Y年%m月}" if first else "暂无数据"
    return (f"{int(s['patrols']):,}", pct(s["coverage_rate"]), f"{int(s['problems']):,}", pct(s["rectification_rate"]),
            pct(s["on_time_rectification_rate"]), span, trend,
            figures.grouped_bars(by_d.district, {"覆盖率": by_d.coverage_rate.round(4),
                                                 "整改率": by_d.rectification_rate.round(4)}, percent=True),
            figures.bar(types.problem_type, types.problems, horizontal=True, unit=" 个"),
            ranked_list(items, list_id=P + "worst-list"))


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(PERIOD, "value"), State(DISTRICT, "value"), prevent_initial_call=True)
def export(clicks, period, district):
    """Download the per-unit, per-district or monthly table; every export is audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    first, last = q.period_months(period)
    dim = {"unit": "unit", "district": "district_code", "month": "month"}[trigger["target"]]
    frame = q.patrol_by(dim, first, last, district, scope=district_scope())
    if dim == "month":
        frame["month"] = frame.month.dt.strftime("%Y-%m")
    frame = frame[[c for c in HEADERS if c in frame.columns]].rename(columns=HEADERS)
    audit_export(f"greenspace/patrol-{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"养护巡查_{EXPORTS[trigger['target']]}", trigger["fmt"])
