"""园林碳汇 · 降尘分析 (module 222): PM2.5 and PM10 retained by the trees' leaves.

For leaders and analysts: removal = deposition velocity × the city's annual mean concentration × leaf area ×
leaf-on time × (1 − resuspension) × a leaf-surface factor by species class; per district, species and
across rounds.
"""
from __future__ import annotations

import dash
from dash import Output, callback, html

from components import figures
from components.cards import chart_card, kpi_card
from pages.cockpit import carbon_board as board
from queries import carbon_sink as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/carbon/dust", name="园林碳汇 · 降尘", order=44,
                   title="园林碳汇 · 降尘分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="树木叶片滞纳 PM2.5、PM10 的年总量，分区、树种与历轮趋势")

P = "carbon-dust-"
I = board.ids(P)
AREA_CHART, SPECIES_CHART, TREND_CHART = (P + k for k in ("by-area", "by-species", "trend"))
K_PM25, K_PM10, K_PER_LEAF, K_PER_TREE = (P + k for k in ("k-pm25", "k-pm10", "k-per-leaf", "k-per-tree"))
EXPORTS = {"area": "分区降尘", "species": "树种降尘"}


def layout(**_query):
    """Filters, KPIs, retention by area and per species, and across rounds."""
    return board.layout_frame("园林碳汇 · 降尘分析", P, exports=EXPORTS, kpis=[
        kpi_card("年滞纳 PM2.5", K_PM25, unit="吨"), kpi_card("年滞纳 PM10", K_PM10, unit="吨"),
        kpi_card("单位叶面积滞纳 PM10", K_PER_LEAF, unit="g/m²"), kpi_card("单株年滞纳 PM10", K_PER_TREE, unit="g"),
    ], body=[
        html.Div(className="grid-2-even", children=[
            chart_card("分区年滞纳颗粒物（吨）", AREA_CHART, height=440),
            chart_card("树种单株年滞纳 PM10（g）", SPECIES_CHART, height=440),
        ]),
        chart_card("历轮年滞纳颗粒物（吨）", TREND_CHART, height=340),
    ])


board.register_drill(P)
board.register_export(P, "dust", EXPORTS, lambda target, r, s, d: export_frame(target, r, s, d))


@callback(Output(K_PM25, "children"), Output(K_PM10, "children"), Output(K_PER_LEAF, "children"),
          Output(K_PER_TREE, "children"), Output(I["crumb"], "children"), Output(I["asof"], "children"),
          *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def kpis(round_no, site, district, _tick):
    """PM2.5 and PM10 retained in a year, per m² of leaves and per tree."""
    round_no, district, crumb, as_of = board.context(round_no, district)
    s = q.summary(round_no, site, district, scope=district_scope())
    return (board.num(s["pm25_kg"] / 1000, 2), board.num(s["pm10_kg"] / 1000, 2),
            board.num(s["pm10_kg"] * 1000 / s["leaf_area_m2"] if s["leaf_area_m2"] else float("nan"), 2),
            board.num(s["pm10_kg"] * 1000 / s["trees"] if s["trees"] else float("nan"), 0), crumb, as_of)


@callback(Output(AREA_CHART, "figure"), Output(SPECIES_CHART, "figure"), Output(TREND_CHART, "figure"),
          *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def charts(round_no, site, district, _tick):
    """PM2.5 and PM10 per district (or street), PM10 per tree by species, and across rounds."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    area = q.by_street(district, round_no, site, scope=scope) if district else q.by_district(round_no, site, scope=scope)
    labels = list(area.street if district else area.name)
    species = q.by_species(round_no, site, district, scope=scope)
    species = species.assign(per_tree=species.pm10_kg * 1000 / species.trees.where(species.trees > 0)).sort_values(
        "per_tree", ascending=False).head(15)
    trend = q.trend(site, district, scope=scope)
    return (figures.grouped_bars(labels, {"PM2.5": (area.pm25_kg / 1000).round(3).tolist(),
                                          "PM10": (area.pm10_kg / 1000).round(3).tolist()}),
            figures.bar(species.species, species.per_tree.round(1), horizontal=True, unit=" g"),
            figures.grouped_bars(list(trend["round"]), {"PM2.5": (trend.pm25_kg / 1000).round(2).tolist(),
                                                        "PM10": (trend.pm10_kg / 1000).round(2).tolist()}))


def export_frame(target: str, round_no, site, district):
    """The table behind one export target, with Chinese headers."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    if target == "area":
        df = q.by_street(district, round_no, site, scope=scope) if district else q.by_district(round_no, site, scope=scope)
        first = {"street": "街镇"} if district else {"name": "区"}
    else:
        df, first = q.by_species(round_no, site, district, scope=scope), {"species": "树种"}
    cols = {**first, "trees": "树木（株）", "leaf_area_m2": "叶面积（m2）", "pm25_kg": "年滞纳PM2.5（kg）",
            "pm10_kg": "年滞纳PM10（kg）"}
    return df[list(cols)].rename(columns=cols)
