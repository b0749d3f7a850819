"""园林碳汇 · 固碳效益分析 (module 218): the CO₂ the trees take up in a year, and its value at a carbon price.

For leaders and analysts: annual sequestration from the DBH growth measured between rounds (modelled growth
by species class, site and condition where a tree has one measurement), in tonnes of CO₂ and in yuan at a
carbon price the user sets; per district, species and site, and across rounds.
"""
from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from analytics.carbon_sink import coefficients
from components import figures
from components.board import pct
from components.cards import chart_card, kpi_card
from pages.cockpit import carbon_board as board
from queries import carbon_sink as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/carbon/sequestration", name="园林碳汇 · 固碳", order=41,
                   title="园林碳汇 · 固碳效益分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="年固碳量（实测胸径生长与模型生长）及按碳价折算的经济价值")

P = "carbon-seq-"
I = board.ids(P)
PRICE = P + "price"
AREA_CHART, SPECIES_CHART, SITE_CHART, TREND_CHART = (P + k for k in ("by-area", "by-species", "by-site", "trend"))
K_SEQ, K_VALUE, K_PER_TREE, K_MEASURED, K_RATE = (P + k for k in ("k-seq", "k-value", "k-per-tree", "k-measured",
                                                                  "k-rate"))
EXPORTS = {"area": "分区固碳效益", "species": "树种固碳效益", "trend": "历轮固碳"}
INPUTS = [*board.filter_inputs(P), Input(PRICE, "value")]


def layout(**_query):
    """Filters with the carbon price, KPIs, sequestration by area, species, site and across rounds."""
    price = coefficients().p("carbon_price_yuan_per_t")
    return board.layout_frame("园林碳汇 · 固碳效益分析", P, exports=EXPORTS, extra_filters=[
        html.Label("碳价（元/吨CO₂）", className="filter-label"),
        dcc.Input(id=PRICE, type="number", min=0, max=2000, step=1, value=price, debounce=True,
                  className="filter-input", style={"width": "90px"}),
    ], kpis=[
        kpi_card("年固碳量", K_SEQ, unit="吨CO₂/年"), kpi_card("固碳经济价值", K_VALUE, unit="万元/年"),
        kpi_card("单株年固碳", K_PER_TREE, unit="kgCO₂"), kpi_card("实测生长占比", K_MEASURED),
        kpi_card("年固碳/碳储量", K_RATE),
    ], body=[
        html.Div(className="grid-2-even", children=[
            chart_card("年固碳量分布（吨CO₂）", AREA_CHART, height=440),
            chart_card("树种年固碳量 TOP15（吨CO₂）", SPECIES_CHART, height=440),
        ]),
        html.Div(className="grid-2-even", children=[
            chart_card("绿地类型：年固碳量与经济价值", SITE_CHART, height=360),
            chart_card("历轮年固碳量", TREND_CHART, height=360),
        ]),
    ])


board.register_drill(P)
board.register_export(P, "sequestration", EXPORTS, lambda target, r, s, d: export_frame(target, r, s, d))


def _price(value) -> float | None:
    """The price typed in, None (the default) when empty or negative."""
    return float(value) if isinstance(value, (int, float)) and value >= 0 else None


@callback(Output(K_SEQ, "children"), Output(K_VALUE, "children"), Output(K_PER_TREE, "children"),
          Output(K_MEASURED, "children"), Output(K_RATE, "children"), Output(I["crumb"], "children"),
          Output(I["asof"], "children"), *INPUTS)
@memo_callback(q.DATASET, "reference")
def kpis(round_no, site, district, _tick, price):
    """Annual sequestration (t CO₂), its value, per tree, the measured share and the rate to the stock."""
    round_no, district, crumb, as_of = board.context(round_no, district)
    s = q.summary(round_no, site, district, scope=district_scope(), price=_price(price), services=False)
    per_tree = s["seq_co2_t"] * 1000 / s["trees"] if s["trees"] else float("nan")
    rate = s["seq_c_kg"] / s["carbon_kg"] if s["carbon_kg"] else float("nan")
    return (board.num(s["seq_co2_t"], 1), board.num(s["seq_value_yuan"] / 1e4, 2), board.num(per_tree, 1),
            pct(s["measured_share"]), pct(rate, 2), crumb, as_of)


@callback(Output(AREA_CHART, "figure"), Output(SPECIES_CHART, "figure"), Output(SITE_CHART, "figure"),
          Output(TREND_CHART, "figure"), *INPUTS)
@memo_callback(q.DATASET, "reference")
def charts(round_no, site, district, _tick, price):
    """Sequestration per district (or street), species, site with its value, and across rounds."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope, price = district_scope(), _price(price)
    if district:
        area = (q.by_street(district, round_no, site, scope=scope, price=price, services=False)
                .sort_values("seq_co2_t", ascending=False))
        labels = area.street
    else:
        area = q.by_district(round_no, site, scope=scope, price=price, services=False)
        labels = area.name
    species = q.by_species(round_no, site, district, scope=scope, price=price, services=False).sort_values(
        "seq_co2_t", ascending=False).head(15)
    sites = q.breakdown(["site"], round_no, site, district, scope=scope, price=price, services=False)
    trend = q.trend(site, district, scope=scope, price=price, services=False)
    return (figures.bar(labels, area.seq_co2_t.round(1), horizontal=True, unit=" 吨"),
            figures.bar(species.species, species.seq_co2_t.round(1), horizontal=True, unit=" 吨"),
            figures.grouped_bars([board.site_label(s) for s in sites.site],
                                 {"年固碳量（吨CO₂）": sites.seq_co2_t.round(1).tolist(),
                                  "经济价值（千元）": (sites.seq_value_yuan / 1000).round(1).tolist()}),
            figures.grouped_bars(list(trend["round"]), {"年固碳量（吨CO₂）": trend.seq_co2_t.round(1).tolist()}))


def export_frame(target: str, round_no, site, district):
    """The table behind one export target (at the default carbon price), with Chinese headers."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    if target == "area":
        df = (q.by_street(district, round_no, site, scope=scope, services=False) if district
              else q.by_district(round_no, site, scope=scope, services=False))
        first = {"street": "街镇"} if district else {"name": "区"}
    elif target == "species":
        df, first = q.by_species(round_no, site, district, scope=scope, services=False), {"species": "树种"}
    else:
        df, first = q.trend(site, district, scope=scope, services=False), {"round": "监测轮次"}
    cols = {**first, "trees": "树木（株）", "seq_co2_t": "年固碳量（吨CO2）", "seq_value_yuan": "经济价值（元）",
            "measured_share": "实测生长占比"}
    return df[list(cols)].rename(columns=cols)
