"""装修垃圾清运效率分析 (module 239): hours from clearance request to clearance for each of the 16 districts,
the shares cleared within 12, 24 and 48 hours, and the monthly trend."""
from __future__ import annotations

import dash
from dash import Input, Output, callback, html

from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu
from components.grid import data_grid
from components.renovation_board import district_filter_bar, register_export, scope_caption
from queries import renovation_waste as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/renovation/efficiency", name="装修垃圾清运效率", order=53,
                   title="装修垃圾清运效率分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="16 个区的清运时效（小时）与及时清运率")

P = "rw-eff-"
PERIOD, DISTRICT, CRUMB, ASOF, REFRESH = (P + k for k in ("period", "district", "crumb", "asof", "refresh"))
HOURS, RATES, MONTHLY, GRID = (P + k for k in ("hours", "rates", "monthly", "grid"))
K_MEAN, K_12, K_24, K_48, K_TRIPS = (P + k for k in ("k-mean", "k-12", "k-24", "k-48", "k-trips"))
EXPORTS = {"district": "分区清运时效"}
FILTERS = [Input(PERIOD, "value"), Input(DISTRICT, "value"), Input(REFRESH, "n_intervals")]
HEADERS = {"name": "区", "trips": "清运车次", "mean_hours": "平均清运时效(小时)", "rate_12h": "12小时内清运率",
           "rate_24h": "24小时内清运率", "rate_48h": "48小时内清运率"}
PERCENT = {"function": "d3.format('.1%')(params.value)"}
COLUMNS = [{"field": k, "headerName": v, **({"valueFormatter": PERCENT} if k.startswith("rate_") else {})}
           for k, v in HEADERS.items()]


def layout(**_query) -> html.Div:
    """Header, filters, KPIs, the 16 districts' hours and within-target shares, the monthly trend and table."""
    return html.Div(className="page board", children=[
        board_header("装修垃圾清运效率分析", P, export=export_menu(P, EXPORTS)),
        district_filter_bar(P, periods=q.PERIODS, default_period="12m", districts=q.district_names(),
                            scope=district_scope()),
        kpi_row([kpi_card("平均清运时效", K_MEAN, unit="小时"), kpi_card("12小时内清运率", K_12),
                 kpi_card("24小时内清运率", K_24), kpi_card("48小时内清运率", K_48),
                 kpi_card("清运车次", K_TRIPS, unit="车次")]),
        html.Div(className="grid-2-even", children=[
            chart_card("各区平均清运时效（小时，申报至清运）", HOURS, height=420),
            chart_card("各区及时清运率", RATES, height=420),
        ]),
        html.Div(className="grid-2", children=[
            chart_card("月度清运时效趋势", MONTHLY, height=380),
            panel("分区清运时效", data_grid(GRID, COLUMNS, height=380, file_name="清运时效.csv")),
        ]),
    ])


@callback(Output(K_MEAN, "children"), Output(K_12, "children"), Output(K_24, "children"), Output(K_48, "children"),
          Output(K_TRIPS, "children"), Output(CRUMB, "children"), Output(ASOF, "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def kpis(period, district, _tick):
    """Mean hours and within-target shares for the city or the chosen district."""
    first, last = q.period_days(period)
    s = q.clearance_summary(first, last, district, scope=district_scope())
    crumb, asof = scope_caption(district_scope() or district, q.district_names(), first, last)
    mean = "—" if s["mean_hours"] != s["mean_hours"] else f"{s['mean_hours']:.1f}"
    return mean, pct(s["rate_12h"]), pct(s["rate_24h"]), pct(s["rate_48h"]), f"{s['trips']:,}", crumb, asof


@callback(Output(HOURS, "figure"), Output(RATES, "figure"), Output(MONTHLY, "figure"), Output(GRID, "rowData"),
          *FILTERS)
@memo_callback(q.DATASET, "reference")
def charts(period, district, _tick):
    """Every district (a scoped user: their own), the monthly trend of the chosen scope, and the table."""
    first, last = q.period_days(period)
    scope = district_scope()
    by = q.clearance_by_district(first, last, scope=scope)
    hours = figures.bar(by.name, by.mean_hours.round(1), unit=" 小时")
    rates = figures.grouped_bars(by.name, {"12小时内": by.rate_12h.tolist(), "24小时内": by.rate_24h.tolist(),
                                           "48小时内": by.rate_48h.tolist()}, percent=True)
    m = q.clearance_monthly(first, last, district, scope=scope)
    monthly = figures.lines([f"{x:%Y-%m}" for x in m.month], {"平均清运时效(小时)": m.mean_hours.round(2).tolist()})
    rows = by[list(HEADERS)].round({"mean_hours": 1, "rate_12h": 3, "rate_24h": 3, "rate_48h": 3})
    return hours, rates, monthly, rows.to_dict("records")


def export_frame(target: str, period, district):
    """The per-district table, with Chinese headers."""
    first, last = q.period_days(period)
    return q.clearance_by_district(first, last, scope=district_scope())[list(HEADERS)].rename(columns=HEADERS)


register_export(P, EXPORTS, export_frame, [(PERIOD, "value"), (DISTRICT, "value")])
