"""装修垃圾总量分析 (module 237): city-wide tonnes by day, month or year, by district, year on year, with the
change on the same period a year before and the monthly trend."""
from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card
from components.export import export_menu
from components.renovation_board import district_filter_bar, register_export, scope_caption
from queries import renovation_waste as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/renovation/volume", name="装修垃圾总量", order=51,
                   title="装修垃圾总量分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="全市装修垃圾总重量：按日、月、年，按区，同比与趋势")

P = "rw-volume-"
PERIOD, DISTRICT, GRAIN, CRUMB, ASOF, REFRESH = (P + k for k in ("period", "district", "grain", "crumb", "asof",
                                                                 "refresh"))
TREND, BY_DISTRICT, YEARS = (P + k for k in ("trend", "by-district", "years"))
K_WEIGHT, K_TRIPS, K_DAILY, K_YOY, K_SLOPE = (P + k for k in ("k-weight", "k-trips", "k-daily", "k-yoy", "k-slope"))
EXPORTS = {"series": "总量时间序列", "district": "分区总量"}
FILTERS = [Input(PERIOD, "value"), Input(DISTRICT, "value"), Input(REFRESH, "n_intervals")]


def layout(**_query) -> html.Div:
    """Header, filters with the grain, KPIs, the trend, districts and the year-on-year comparison."""
    grain = dcc.RadioItems(id=GRAIN, options=[{"label": v, "value": k} for k, v in q.GRAINS.items()], value="month",
                           inline=True, className="filter-radio")
    return html.Div(className="page board", children=[
        board_header("装修垃圾总量分析", P, export=export_menu(P, EXPORTS)),
        district_filter_bar(P, periods=q.PERIODS, default_period="12m", districts=q.district_names(),
                            scope=district_scope(), extra=grain),
        kpi_row([kpi_card("清运总量", K_WEIGHT, unit="吨"), kpi_card("清运车次", K_TRIPS, unit="车次"),
                 kpi_card("日均清运量", K_DAILY, unit="吨"), kpi_card("同比", K_YOY),
                 kpi_card("月度趋势", K_SLOPE, unit="吨/月")]),
        chart_card("清运总量趋势", TREND, height=360),
        html.Div(className="grid-2-even", children=[
            chart_card("各区清运总量", BY_DISTRICT, height=420),
            chart_card("逐年同月对比", YEARS, height=420),
        ]),
    ])


@callback(Output(K_WEIGHT, "children"), Output(K_TRIPS, "children"), Output(K_DAILY, "children"),
          Output(K_YOY, "children"), Output(K_SLOPE, "children"), Output(CRUMB, "children"), Output(ASOF, "children"),
          *FILTERS)
@memo_callback(q.DATASET, "reference")
def kpis(period, district, _tick):
    """Tonnes, trips, daily average, year-on-year change and the monthly trend slope."""
    first, last = q.period_days(period)
    s = q.volume_summary(first, last, district, scope=district_scope())
    crumb, asof = scope_caption(district_scope() or district, q.district_names(), first, last)
    slope = "—" if s["trend"] != s["trend"] else f"{s['trend']:+,.0f}"
    return (f"{s['weight_t']:,.0f}", f"{s['trips']:,}", "—" if s["daily_t"] != s["daily_t"] else f"{s['daily_t']:,.1f}",
            pct(s["yoy"]), slope, crumb, asof)


@callback(Output(TREND, "figure"), Output(BY_DISTRICT, "figure"), Output(YEARS, "figure"), Input(GRAIN, "value"),
          *FILTERS)
@memo_callback(q.DATASET, "reference")
def charts(grain, period, district, _tick):
    """The series at the chosen grain, tonnes by district, and each year's months side by side."""
    first, last = q.period_days(period)
    scope = district_scope()
    series = q.volume_series(first, last, grain, district, scope=scope)
    fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[grain if grain in q.GRAINS else "month"]
    trend = figures.bar([f"{p:{fmt}}" for p in series.period], series.weight_t.round(1), unit=" 吨")
    by = q.volume_by_district(first, last, scope=scope)
    ym = q.volume_by_year_month(district, scope=scope)
    years = figures.lines([f"{m} 月" for m in range(1, 13)],
                          {f"{y} 年": ym[ym.year == y].set_index("month")["weight_t"].reindex(range(1, 13)).round(1)
                           .tolist() for y in sorted(ym.year.unique())})
    return trend, figures.bar(by.name, by.weight_t.round(1), horizontal=True, unit=" 吨"), years


def export_frame(target: str, period, district, grain):
    """The table of one export target, with Chinese headers."""
    first, last = q.period_days(period)
    if target == "series":
        df = q.volume_series(first, last, grain, district, scope=district_scope())
        cols = {"period": "时间", "weight_t": "清运量(吨)", "trips": "车次"}
    else:
        df = q.volume_by_district(first, last, scope=district_scope())
        cols = {"name": "区", "weight_t": "清运量(吨)", "trips": "车次", "share": "占全市比例"}
    return df[list(cols)].rename(columns=cols)


register_export(P, EXPORTS, export_frame, [(PERIOD, "value"), (DISTRICT, "value"), (GRAIN, "value")])
