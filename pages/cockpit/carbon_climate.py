"""园林碳汇 · 温度与湿度调节分析 (modules 219, 220): the trees' transpiration as cooling and as moisture.

For leaders and analysts: water transpired from the leaf area (leaf area from DBH and crown relations),
the latent heat it takes from the air and the air-conditioning electricity that would remove the same heat
(219), and the moisture it adds with the humidifier electricity it equals (220); per district, species and
across rounds. The method and its coefficients are in docs/boards-carbon-sink.md.
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

dash.register_page(__name__, path="/cockpit/carbon/climate", name="园林碳汇 · 温湿度调节", order=42,
                   title="园林碳汇 · 温度与湿度调节分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="蒸腾降温（潜热、等效空调电量）与增湿量")

P = "carbon-climate-"
I = board.ids(P)
COOL_CHART, MOIST_CHART, SPECIES_CHART, TREND_CHART = (P + k for k in ("cooling", "moisture", "by-species", "trend"))
K_LEAF, K_WATER, K_HEAT, K_AC, K_HUMID = (P + k for k in ("k-leaf", "k-water", "k-heat", "k-ac", "k-humid"))
EXPORTS = {"area": "分区温湿度调节", "species": "树种温湿度调节"}


def layout(**_query):
    """Filters, KPIs, cooling and moisture by area, per species and across rounds."""
    return board.layout_frame("园林碳汇 · 温度与湿度调节分析", P, exports=EXPORTS, kpis=[
        kpi_card("叶面积", K_LEAF, unit="公顷"), kpi_card("年蒸腾量（增湿量）", K_WATER, unit="万吨"),
        kpi_card("吸收热量", K_HEAT, unit="万kWh"), kpi_card("等效空调节电", K_AC, unit="万kWh"),
        kpi_card("等效加湿耗电", K_HUMID, unit="万kWh"),
    ], body=[
        html.Div(className="grid-2-even", children=[
            chart_card("温度调节：等效空调节电（万kWh）", COOL_CHART, height=440),
            chart_card("湿度调节：年增湿量（万吨）", MOIST_CHART, height=440),
        ]),
        html.Div(className="grid-2-even", children=[
            chart_card("树种：单株年蒸腾量（吨）与叶面积（百m²）", SPECIES_CHART, height=380),
            chart_card("历轮蒸腾降温与增湿", TREND_CHART, height=380),
        ]),
    ])


board.register_drill(P)
board.register_export(P, "climate", EXPORTS, lambda target, r, s, d: export_frame(target, r, s, d))


@callback(Output(K_LEAF, "children"), Output(K_WATER, "children"), Output(K_HEAT, "children"),
          Output(K_AC, "children"), Output(K_HUMID, "children"), Output(I["crumb"], "children"),
          Output(I["asof"], "children"), *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def kpis(round_no, site, district, _tick):
    """Leaf area, water transpired, heat absorbed and its electricity equivalents."""
    round_no, district, crumb, as_of = board.context(round_no, district)
    s = q.summary(round_no, site, district, scope=district_scope())
    heat_kwh = s["cooling_mj"] / 3.6
    return (board.num(s["leaf_area_m2"] / 1e4, 1), board.num(s["transpiration_t"] / 1e4, 2),
            board.num(heat_kwh / 1e4, 1), board.num(s["ac_kwh"] / 1e4, 1), board.num(s["humidifier_kwh"] / 1e4, 1),
            crumb, as_of)


@callback(Output(COOL_CHART, "figure"), Output(MOIST_CHART, "figure"), Output(SPECIES_CHART, "figure"),
          Output(TREND_CHART, "figure"), *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def charts(round_no, site, district, _tick):
    """Cooling and moisture per district (or street), per species per tree, and across rounds."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    area = q.by_street(district, round_no, site, scope=scope) if district else q.by_district(round_no, site, scope=scope)
    labels = area.street if district else area.name
    species = q.by_species(round_no, site, district, scope=scope).head(12)
    per_tree = (species.transpiration_t / species.trees.where(species.trees > 0)).round(2)
    trend = q.trend(site, district, scope=scope)
    return (figures.bar(labels, (area.ac_kwh / 1e4).round(2), horizontal=True, unit=" 万kWh"),
            figures.bar(labels, (area.transpiration_t / 1e4).round(3), horizontal=True, unit=" 万吨"),
            figures.grouped_bars(list(species.species), {"单株年蒸腾量（吨）": per_tree.tolist(),
                                                         "单株叶面积（百m²）": (species.leaf_area_m2 / species.trees / 100)
                                                         .round(2).tolist()}),
            figures.grouped_bars(list(trend["round"]), {"等效空调节电（万kWh）": (trend.ac_kwh / 1e4).round(1).tolist(),
                                                        "增湿量（万吨）": (trend.transpiration_t / 1e4).round(2).tolist()}))


def export_frame(target: str, round_no, site, district):
    """The table behind one export target, with Chinese headers."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    if target == "area":
        df = q.by_street(district, round_no, site, scope=scope) if district else q.by_district(round_no, site, scope=scope)
        first = {"street": "街镇"} if district else {"name": "区"}
    else:
        df, first = q.by_species(round_no, site, district, scope=scope), {"species": "树种"}
    cols = {**first, "trees": "树木（株）", "leaf_area_m2": "叶面积（m2）", "transpiration_t": "年蒸腾量/增湿量（吨）",
            "cooling_mj": "吸收热量（MJ）", "ac_kwh": "等效空调节电（kWh）", "humidifier_kwh": "等效加湿耗电（kWh）"}
    return df[list(cols)].rename(columns=cols)
