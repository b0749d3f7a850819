"""园林碳汇 · 碳量分析 (module 217): carbon stored by the monitored trees, from their DBH measurements.

For leaders and analysts: totals for a monitoring round, trees on the map (clustered on the server) over the
tree density of districts or of the chosen district's streets, carbon per district or street and per
species, the trend across rounds, the top roads and the street table; export of every table shown.
"""
from __future__ import annotations

import dash
from dash import Input, Output, callback, html

from components import figures
from components.board import ranked_list
from components.cards import chart_card, kpi_card, panel
from components.grid import data_grid
from layers.basemap import base_map
from layers.choropleth import choropleth_layer, choropleth_outputs, choropleth_view
from layers.tree_clusters import tree_cluster_layer
from pages.cockpit import carbon_board as board
from queries import carbon_sink as q
from queries import reference
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/carbon/storage", name="园林碳汇 · 碳量", order=40,
                   title="园林碳汇 · 碳量分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="树木胸径监测数据测算的碳储量：分区、街镇、道路、树种与历轮趋势")

P = "carbon-storage-"
I = board.ids(P)
MAP, DENSITY, CLUSTERS, AREA_CHART, SPECIES_CHART, TREND_CHART, ROADS, GRID = (
    P + k for k in ("map", "density-layer", "clusters", "by-area", "by-species", "trend", "roads", "grid"))
K_TREES, K_CARBON, K_CO2, K_DBH, K_PER_TREE = (P + k for k in ("k-trees", "k-carbon", "k-co2", "k-dbh", "k-per-tree"))
EXPORTS = {"area": "分区街镇碳储量", "species": "树种碳储量", "roads": "道路碳储量", "trend": "历轮趋势"}
GRID_COLUMNS = [
    {"field": "street", "headerName": "街镇"}, {"field": "trees", "headerName": "树木（株）"},
    {"field": "density_per_km2", "headerName": "密度（株/km²）", "valueFormatter": {"function": "d3.format(',.0f')(params.value)"}},
    {"field": "avg_dbh_cm", "headerName": "平均胸径（cm）", "valueFormatter": {"function": "d3.format('.1f')(params.value)"}},
    {"field": "carbon_t", "headerName": "碳储量（吨）", "valueFormatter": {"function": "d3.format(',.1f')(params.value)"}},
    {"field": "co2_t", "headerName": "折合 CO₂（吨）", "valueFormatter": {"function": "d3.format(',.1f')(params.value)"}},
]


def layout(**_query):
    """Filters, KPIs, the map beside carbon by area, then species, trend, top roads and the street table."""
    return board.layout_frame("园林碳汇 · 碳量分析", P, exports=EXPORTS, kpis=[
        kpi_card("监测树木", K_TREES, unit="株"), kpi_card("碳储量", K_CARBON, unit="吨碳"),
        kpi_card("折合二氧化碳", K_CO2, unit="吨"), kpi_card("平均胸径", K_DBH, unit="cm"),
        kpi_card("单株碳储量", K_PER_TREE, unit="kg"),
    ], body=[
        html.Div(className="grid-2", children=[
            panel("树木分布（聚合点）与密度（点击区下钻）", base_map([choropleth_layer(layer_id=DENSITY), html.Div(id=CLUSTERS)],
                                                          map_id=MAP, height="520px")),
            chart_card("碳储量分布", AREA_CHART, height=520),
        ]),
        html.Div(className="grid-2-even", children=[
            chart_card("树种碳储量 TOP15", SPECIES_CHART, height=400),
            chart_card("历轮监测趋势", TREND_CHART, height=400),
        ]),
        html.Div(className="grid-2-even", children=[
            panel("碳储量道路 TOP10", html.Div(id=ROADS)),
            panel("街镇明细", data_grid(GRID, GRID_COLUMNS, height=400, file_name="carbon_streets.csv")),
        ]),
    ])


board.register_drill(P, DENSITY)
board.register_export(P, "storage", EXPORTS, lambda target, r, s, d: export_frame(target, r, s, d))


@callback(Output(K_TREES, "children"), Output(K_CARBON, "children"), Output(K_CO2, "children"),
          Output(K_DBH, "children"), Output(K_PER_TREE, "children"), Output(I["crumb"], "children"),
          Output(I["asof"], "children"), *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def kpis(round_no, site, district, _tick):
    """Trees, stored carbon and CO₂, mean DBH and carbon per tree for the filters."""
    round_no, district, crumb, as_of = board.context(round_no, district)
    s = q.summary(round_no, site, district, scope=district_scope(), services=False)
    return (board.num(s["trees"]), board.num(s["carbon_t"], 1), board.num(s["co2_t"], 1),
            board.num(s["avg_dbh_cm"], 1), board.num(s["carbon_per_tree_kg"], 1), crumb, as_of)


@callback(*choropleth_outputs(DENSITY), *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def draw_density(round_no, site, district, _tick):
    """Trees per km² of the districts, or of the chosen district's (approximate) street cells (restyled
    through hideout; the boundaries come once by URL)."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    if district:
        streets = q.by_street(district, round_no, site, scope=district_scope(), services=False)
        values = dict(zip(streets.street_code, streets.density_per_km2.round(1)))
        names = reference.streets(district).set_index("code")["name"]
        tips = {code: f"{name}：{board.num(values.get(code))} 株/km²" for code, name in names.items()}
        return choropleth_view(values, tips, district=district)
    df = q.district_density(round_no, site, scope=district_scope())
    values = dict(zip(df.district_code, df.density_per_km2.round(1)))
    tips = {r.district_code: f"{r.name}：{board.num(r.density_per_km2)} 株/km²，碳储量 {board.num(r.carbon_t)} 吨"
            for r in df.itertuples()}
    return choropleth_view(values, tips)


@callback(Output(CLUSTERS, "children"), Input(I["round"], "value"), Input(I["site"], "value"),
          Input(I["district"], "value"), Input(MAP, "zoom"), Input(MAP, "bounds"))
def draw_clusters(round_no, _site, district, zoom, bounds):
    """Tree clusters for the map's zoom and view (cells of 0.16° at city zoom down to 0.01° close up)."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    cells = q.clusters(round_no, zoom, bounds, district, scope=district_scope())
    return tree_cluster_layer(q.cluster_geojson(cells), layer_id=P + "cluster-layer")


@callback(Output(AREA_CHART, "figure"), Output(SPECIES_CHART, "figure"), Output(TREND_CHART, "figure"),
          Output(ROADS, "children"), Output(GRID, "rowData"), *board.filter_inputs(P))
@memo_callback(q.DATASET, "reference")
def charts(round_no, site, district, _tick):
    """Carbon per district (or street), per species, across rounds; the top roads and the street table."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    if district:
        area = q.by_street(district, round_no, site, scope=scope, services=False)
        area_fig = figures.bar(area.street, area.carbon_t.round(1), horizontal=True, unit=" 吨")
    else:
        area = q.by_district(round_no, site, scope=scope, services=False)
        area_fig = figures.bar(area.name, area.carbon_t.round(1), horizontal=True, unit=" 吨")
    grid = q.by_street(district, round_no, site, scope=scope, services=False)
    species = q.by_species(round_no, site, district, scope=scope, services=False).head(15)
    trend = q.trend(site, district, scope=scope, services=False)
    roads = q.top_roads(round_no, district, scope=scope)
    return (area_fig,
            figures.bar(species.species, species.carbon_t.round(1), horizontal=True, unit=" 吨"),
            figures.grouped_bars(list(trend["round"]), {"碳储量（吨）": trend.carbon_t.round(1).tolist(),
                                                        "监测树木（百株）": (trend.trees / 100).round(1).tolist()}),
            ranked_list([(f"{r.road}（{r.district}）", r.carbon_t, f"{r.carbon_t:,.1f} 吨 · {int(r.trees):,} 株")
                         for r in roads.itertuples()], list_id=P + "road-list"),
            grid[[c["field"] for c in GRID_COLUMNS if c["field"] in grid.columns]].to_dict("records"))


def export_frame(target: str, round_no, site, district):
    """The table behind one export target, with Chinese headers."""
    round_no, district, _crumb, _asof = board.context(round_no, district)
    scope = district_scope()
    if target == "area":
        df = (q.by_street(district, round_no, site, scope=scope, services=False) if district
              else q.by_district(round_no, site, scope=scope, services=False))
        name = "street" if district else "name"
        cols = {name: "街镇" if district else "区", "trees": "树木（株）", "avg_dbh_cm": "平均胸径（cm）",
                "carbon_t": "碳储量（吨）", "co2_t": "折合CO2（吨）"}
    elif target == "species":
        df = q.by_species(round_no, site, district, scope=scope, services=False)
        cols = {"species": "树种", "trees": "树木（株）", "avg_dbh_cm": "平均胸径（cm）", "carbon_t": "碳储量（吨）",
                "co2_t": "折合CO2（吨）"}
    elif target == "roads":
        df = q.top_roads(round_no, district, scope=scope, n=1000)
        cols = {"road": "道路", "district": "区", "trees": "树木（株）", "carbon_t": "碳储量（吨）", "co2_t": "折合CO2（吨）"}
    else:
        df = q.trend(site, district, scope=scope, services=False)
        cols = {"round": "监测轮次", "trees": "树木（株）", "avg_dbh_cm": "平均胸径（cm）", "carbon_t": "碳储量（吨）",
                "co2_t": "折合CO2（吨）"}
    return df[list(cols)].rename(columns=cols)
