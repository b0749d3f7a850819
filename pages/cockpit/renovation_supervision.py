"""装修垃圾监管分析 (module 238): supervision warnings (overfull points, overdue clearance, illegal dumping,
missing weighing) by kind, month and district, the points with the most warnings, and the newest ones."""
from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, callback, html

from components import figures
from components.board import board_header, kpi_row, pct, ranked_list
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu
from components.grid import data_grid
from components.renovation_board import district_filter_bar, register_export, scope_caption
from db.renovation_waste import WARNING_KINDS
from queries import renovation_waste as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/renovation/supervision", name="装修垃圾监管预警", order=52,
                   title="装修垃圾监管分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="满溢、清运超时、偷倒乱倒、未称重等预警及其分析")

P = "rw-sup-"
PERIOD, DISTRICT, CRUMB, ASOF, REFRESH = (P + k for k in ("period", "district", "crumb", "asof", "refresh"))
BY_KIND, MONTHLY, BY_DISTRICT, POINTS, GRID = (P + k for k in ("by-kind", "monthly", "by-district", "points", "grid"))
K_TOTAL, K_RATE, K_HOURS = (P + k for k in ("k-total", "k-rate", "k-hours"))
KIND_IDS = {k: f"{P}k-kind-{i}" for i, k in enumerate(WARNING_KINDS)}
EXPORTS = {"kind": "预警分类统计", "district": "分区预警", "recent": "最新预警"}
FILTERS = [Input(PERIOD, "value"), Input(DISTRICT, "value"), Input(REFRESH, "n_intervals")]
COLUMNS = [
    {"field": "raised", "headerName": "预警时间", "minWidth": 140},
    {"field": "kind", "headerName": "预警类型", "maxWidth": 110},
    {"field": "level", "headerName": "等级", "maxWidth": 80},
    {"field": "district", "headerName": "区", "maxWidth": 100},
    {"field": "point", "headerName": "收运点", "minWidth": 180},
    {"field": "detail", "headerName": "预警内容", "minWidth": 200},
    {"field": "state", "headerName": "处置状态", "maxWidth": 100,
     "cellClassRules": {"overdue-cell": "params.value === '处置中'"}},
]


def layout(**_query) -> html.Div:
    """Header, filters, KPIs per kind, charts by kind, month and district, the top points and newest warnings."""
    return html.Div(className="page board", children=[
        board_header("装修垃圾监管分析", P, export=export_menu(P, EXPORTS)),
        district_filter_bar(P, periods=q.PERIODS, default_period="12m", districts=q.district_names(),
                            scope=district_scope()),
        kpi_row([kpi_card("预警总数", K_TOTAL, unit="条"), kpi_card("处置率", K_RATE),
                 kpi_card("平均处置时长", K_HOURS, unit="小时"),
                 *[kpi_card(k, i, unit="条") for k, i in KIND_IDS.items()]]),
        html.Div(className="grid-2-even", children=[
            chart_card("预警类型与处置", BY_KIND, height=360),
            chart_card("月度预警趋势", MONTHLY, height=360),
        ]),
        html.Div(className="grid-2", children=[
            chart_card("各区预警（每千车次）", BY_DISTRICT, height=420),
            panel("预警最多的收运点 TOP10", html.Div(id=POINTS)),
        ]),
        panel("最新预警", data_grid(GRID, COLUMNS, height=420, file_name="装修垃圾预警.csv")),
    ])


@callback(Output(K_TOTAL, "children"), Output(K_RATE, "children"),
          Output(K_HOURS, "children"), *[Output(i, "children") for i in KIND_IDS.values()],
          Output(CRUMB, "children"), Output(ASOF, "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def kpis(period, district, _tick):
    """Warnings raised, the share handled and the mean hours to handle, and each kind's count."""
    first, last = q.period_days(period)
    s = q.warning_summary(first, last, district, scope=district_scope())
    raised, handled = int(s.raised.sum()), int(s.handled.sum())
    hours = s.handling_hours.sum() / handled if handled else float("nan")
    crumb, asof = scope_caption(district_scope() or district, q.district_names(), first, last)
    return (f"{raised:,}", pct(handled / raised if raised else None),
            "—" if hours != hours else f"{hours:.1f}", *[f"{int(v):,}" for v in s.raised], crumb, asof)


@callback(Output(BY_KIND, "figure"), Output(MONTHLY, "figure"), Output(BY_DISTRICT, "figure"),
          Output(POINTS, "children"), Output(GRID, "rowData"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def charts(period, district, _tick):
    """Kinds raised vs handled, the monthly trend by kind, districts per 1,000 trips, top points, newest rows."""
    first, last = q.period_days(period)
    scope = district_scope()
    s = q.warning_summary(first, last, district, scope=scope)
    kinds = figures.grouped_bars(s.kind, {"预警数": s.raised.tolist(), "已处置": s.handled.tolist()})
    monthly = q.warnings_monthly(first, last, district, scope=scope)
    trend = figures.stacked_bars([f"{m:%Y-%m}" for m in monthly.index], {k: monthly[k].tolist() for k in WARNING_KINDS},
                                 unit=" 条")
    by = q.warnings_by_district(first, last, scope=scope)
    districts = figures.bar(by.name, by.per_1000_trips.round(1), horizontal=True, unit=" 条/千车次")
    top = q.warning_points(first, last, district, scope=scope)
    ranking = ranked_list([(f"{r.name}（{r.street}）", r.warnings, f"{r.warnings} 条") for r in top.itertuples()],
                          list_id=P + "points-list")
    return kinds, trend, districts, ranking, _recent_rows(district)


def _recent_rows(district) -> list[dict]:
    df = q.recent_warnings(district, scope=district_scope())
    df = df.assign(raised=df.raised_at.dt.strftime("%Y-%m-%d %H:%M") if not df.empty else [],
                   state=df.handled_at.isna().map({True: "处置中", False: "已处置"}))
    return df[[c["field"] for c in COLUMNS]].to_dict("records")


def export_frame(target: str, period, district):
    """The table of one export target, with Chinese headers."""
    first, last = q.period_days(period)
    if target == "kind":
        df = q.warning_summary(first, last, district, scope=district_scope())
        cols = {"kind": "预警类型", "raised": "预警数", "handled": "已处置", "handled_rate": "处置率",
                "mean_hours": "平均处置时长(小时)"}
    elif target == "district":
        df = q.warnings_by_district(first, last, scope=district_scope())
        cols = {"name": "区", **{k: k for k in WARNING_KINDS}, "total": "合计", "per_1000_trips": "每千车次预警"}
    else:
        return _recent_frame(district)
    return df[list(cols)].rename(columns=cols)


def _recent_frame(district) -> pd.DataFrame:
    return pd.DataFrame(_recent_rows(district)).rename(columns={c["field"]: c["headerName"] for c in COLUMNS})


register_export(P, EXPORTS, export_frame, [(PERIOD, "value"), (DISTRICT, "value")])
