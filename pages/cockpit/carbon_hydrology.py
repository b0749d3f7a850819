"""园林碳汇 · 水文调节分析 (module 221): rain intercepted by the canopy and the runoff it avoids.

For leaders and analysts: interception from leaf area and Shanghai's monthly rainfall normals, and avoided
runoff by the surface under the trees (street, park, forest); per month, district, site and across rounds.
"""
from __future__ import annotations

import dash
from dash import Output, callback, html

from components import figures
from components.board import pct
from components.cards import chart_card, kpi_card
from pages.cockpit import carbon_board as board
from queries import carbon_sink as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/carbon/hydrology", name="园林碳汇 · 水文调节", order=43,
                   title="园林碳汇 · 水文调节分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="树冠截留降雨与减少地表径流（按上海月降水常年值）")

P = "carbon-water-"
I = board.ids(P)
MONTH_CHART, AREA_CHART, SITE_CHART, TREND_CHART = (P + k for k in ("monthly", "by-area", "by-site", "trend"))
K_INTERCEPT, K_RUNOFF, K_SHARE, K_PER_TREE = (P + k for k in ("k-intercept", "k-runoff", "k-share", "k-per-tree"))
EXPORTS = {"monthly": "逐月截留", "area": "分区水文调节"}


def layout(**_query):
    """Filters, KPIs, interception per month beside rainfall, by area, by site and across rounds."""
    return board.layout_frame("园林碳汇 · 水文调节分析", P, exports=EXPORTS, kpis=[
        kpi_card("年截留降雨", K_INTERCEPT, unit="万m³"), kpi_card("年减少径流", K_RUNOFF, unit="万m³"),
        kpi_card("冠层截留率", K_SHARE), kpi_card("单株年截留", K_PER_TREE, unit="m³"),
    ], body=[
        html.Div(className="grid-2-even", children=[
            chart_card("逐月截留与减少径流（m³）", MONTH_CHART, height=420),
            chart_card("年减少径流分布（万m³）", AREA_CHART, height=420),
        ]),
        html.Div(className="grid-2-even", children=[
            chart_card("绿地类型：截留与减少径流（万m³）", SITE_CHART, height=360),
            chart_card("历轮年截留降雨（万m³）", TREND_CHART, height=360),
        ]),
    ])


board.register_drill(P)
board.register_export(P, "hydrology", EXPORTS, lambda target, r, s, d: export_frame(target, r, s, d))


@callback(Output(K_INTERCEPT, "children"), Output(K_RUNOFF, "children"), Output(K_SHARE, "children"),
          Output(K_PER_TREE, "children"), Output(I["crumb"], "children"), Output(I["asof"], "children"),
          *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def kpis(round_no, site, district, _tick):
    """Annual interception and avoided runoff, the share of the rain on the crowns, per tree."""
    round_no, district, crumb, as_of = board.context(round_no, district)
    scope = district_scope()
    s = q.summary(round_no, site, district, scope=scope)
    months = q.monthly_interception(round_no, site, district, scope=scope)
    on_crown = (months.rainfall_mm / 1000 * s["crown_area_m2"]).sum()
    return (board.num(s["interception_m3"] / 1e4, 2), board.num(s["runoff_avoided_m3"] / 1e4, 2),
            pct(s["interception_m3"] / on_crown if on_crown else float("nan")),
            board.num(s["interception_m3"] / s["trees"] if s["trees"] else float("nan"), 2), crumb, as_of)


@callback(Output(MONTH_CHART, "figure"), Output(AREA_CHART, "figure"), Output(SITE_CHART, "figure"),
          Output(TREND_CHART, "figure"), *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def charts(round_no, site, district, _tick):
    """Monthly interception and runoff, runoff per district (or street), per site and across rounds."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    months = q.monthly_interception(round_no, site, district, scope=scope)
    area = q.by_street(district, round_no, site, scope=scope) if district else q.by_district(round_no, site, scope=scope)
    labels = area.street if district else area.name
    sites = q.breakdown(["site"], round_no, site, district, scope=scope)
    trend = q.trend(site, district, scope=scope)
    return (figures.grouped_bars([f"{m}月" for m in months.month],
                                 {"截留降雨": months.intercepted_m3.round(0).tolist(),
                                  "减少径流": months.runoff_avoided_m3.round(0).tolist()}),
            figures.bar(labels, (area.runoff_avoided_m3 / 1e4).round(2), horizontal=True, unit=" 万m³"),
            figures.grouped_bars([board.site_label(s) for s in sites.site],
                                 {"截留降雨": (sites.interception_m3 / 1e4).round(2).tolist(),
                                  "减少径流": (sites.runoff_avoided_m3 / 1e4).round(2).tolist()}),
            figures.grouped_bars(list(trend["round"]), {"年截留降雨": (trend.interception_m3 / 1e4).round(2).tolist()}))


def export_frame(target: str, round_no, site, district):
    """The table behind one export target, with Chinese headers."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    if target == "monthly":
        df = q.monthly_interception(round_no, site, district, scope=scope)
        cols = {"month": "月份", "rainfall_mm": "常年降水量（mm）", "intercepted_m3": "截留降雨（m3）",
                "runoff_avoided_m3": "减少径流（m3）"}
    else:
        df = q.by_street(district, round_no, site, scope=scope) if district else q.by_district(round_no, site, scope=scope)
        cols = {("street" if district else "name"): "街镇" if district else "区", "trees": "树木（株）",
                "interception_m3": "年截留降雨（m3）", "runoff_avoided_m3": "年减少径流（m3）"}
    return df[list(cols)].rename(columns=cols)
