"""湿地样地调查分析 (module 231): counts per plot and plot area → densities, and a kernel density surface
of the plots' counts on the map, with the kernel (gaussian, quartic) and bandwidth rule (Silverman, Scott,
fixed) chosen by the analyst. The surface is computed on the server and sent as one image.
"""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from analytics.density import KERNELS, RULES
from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from components.selectors import choice, selector, selector_bar
from layers.basemap import base_map
from layers.points import circle_markers
from layers.raster import surface_overlay
from queries import wildlife as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/wildlife/plots", name="湿地样地调查", order=31,
                   title="湿地样地调查分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="样地密度与核密度分析（高斯核、四次核；Silverman、Scott、固定带宽）")

P = "wl-plot-"
SITE, YEAR, SPECIES, KERNEL, RULE, BANDWIDTH, ASOF, REFRESH = (
    P + k for k in ("site", "year", "species", "kernel", "rule", "h", "asof", "refresh"))
MAP, MAP_LAYER, DENSITY_CHART, GRID = (P + k for k in ("map", "layer", "density", "grid"))
K_PLOTS, K_INDIVIDUALS, K_DENSITY, K_BANDWIDTH = (P + k for k in ("k-plots", "k-individuals", "k-density", "k-bw"))
EXPORTS = {"plots": "样地密度"}
COLUMNS = [{"field": "plot_code", "headerName": "样地"}, {"field": "habitat", "headerName": "生境"},
           {"field": "area_ha", "headerName": "面积（公顷）"}, {"field": "surveys", "headerName": "调查次数"},
           {"field": "individuals", "headerName": "累计个体数"}, {"field": "mean_count", "headerName": "每次平均"},
           {"field": "density_ha", "headerName": "密度（个体/公顷）"}]
FILTERS = [Input(SITE, "value"), Input(YEAR, "value"), Input(SPECIES, "value"), Input(REFRESH, "n_intervals")]


def layout(**_query) -> html.Div:
    """Site, year, species, kernel and bandwidth choices; KPIs; the density map beside the plot ranking."""
    sites = q.plot_sites(scope=district_scope())
    years = q.survey_years()
    return html.Div(className="page board", children=[
        board_header("湿地样地调查分析", P, export=export_menu(P, EXPORTS)),
        selector_bar(selector("样点", SITE, [{"label": r.name, "value": r.code} for r in sites.itertuples()],
                              sites.code.iloc[0] if len(sites) else None, width="240px"),
                     selector("年度", YEAR, years, None, width="110px", clearable=True, placeholder="全部年度"),
                     selector("物种", SPECIES, [], None, width="160px", clearable=True, placeholder="全部物种")),
        selector_bar(choice("核函数", KERNEL, KERNELS, "gaussian"), choice("带宽", RULE, RULES, "scott"),
                     [html.Label("固定带宽（米）", className="filter-label"),
                      dcc.Input(id=BANDWIDTH, type="number", min=50, max=20000, step=50, value=800,
                                debounce=True, className="filter-input", style={"width": "100px"})]),
        kpi_row([kpi_card("样地数", K_PLOTS, unit="个"), kpi_card("累计个体数", K_INDIVIDUALS, unit="只/株"),
                 kpi_card("平均密度", K_DENSITY, unit="个体/公顷"), kpi_card("带宽 h", K_BANDWIDTH, unit="米")]),
        html.Div(className="grid-2", children=[
            panel("核密度分布（个体/平方公里）与样地", base_map([html.Div(id=MAP_LAYER)], map_id=MAP, zoom=11,
                                                          height="520px")),
            chart_card("样地密度排名（个体/公顷）", DENSITY_CHART, height=520),
        ]),
        panel("样地调查明细", data_grid(GRID, COLUMNS, height=400, file_name="样地密度.csv")),
    ])


@callback(Output(SPECIES, "options"), Input(SITE, "value"))
@memo_callback(q.DATASET, "reference")
def species_options(site):
    """The species counted in the chosen site's plots."""
    df = q.plot_species(site, scope=district_scope())
    return [{"label": r.name_zh, "value": r.species_code} for r in df.itertuples()]


@callback(Output(K_PLOTS, "children"), Output(K_INDIVIDUALS, "children"), Output(K_DENSITY, "children"),
          Output(DENSITY_CHART, "figure"), Output(GRID, "rowData"), Output(ASOF, "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def plots(site, year, species, _tick):
    """Plot densities: KPIs, the ranking and the table."""
    df = q.plot_densities(site, year, species, scope=district_scope())
    if df.empty:
        return "0", "0", "—", figures.empty(), [], "暂无样地数据"
    mean = df.individuals.sum() / (df.surveys * df.area_ha).sum()
    top = df.head(20)
    return (f"{len(df)}", f"{int(df.individuals.sum()):,}", f"{mean:.1f}",
            figures.bar(top.plot_code, top.density_ha.round(1), horizontal=True, unit=" 个体/公顷"),
            df.round({"mean_count": 1, "density_ha": 1}).to_dict("records"),
            f"{year or '全部'}年度样地调查")


@callback(Output(MAP_LAYER, "children"), Output(K_BANDWIDTH, "children"), Output(MAP, "center"), *FILTERS,
          Input(KERNEL, "value"), Input(RULE, "value"), Input(BANDWIDTH, "value"))
@memo_callback(q.DATASET, "reference")
def surface(site, year, species, _tick, kernel, rule, h):
    """The kernel density image and the plots on top of it, centred on the site."""
    scope = district_scope()
    df = q.plot_densities(site, year, species, scope=scope)
    if df.empty:
        return [], "—", no_update
    fixed = float(h) if rule == "fixed" and h else None
    if rule == "fixed" and not fixed:
        return [], "—", no_update
    s = q.density_surface(site, year, species, kernel=kernel, rule=rule, h=fixed, scope=scope)
    plots = circle_markers([{"lon": r.lon, "lat": r.lat, "value": r.density_ha, "color": "#23845a",
                             "tooltip": f"{r.plot_code}（{r.habitat}）：{r.density_ha:.1f} 个体/公顷"}
                            for r in df.itertuples()], layer_id=P + "points", max_radius=9)
    layers = ([surface_overlay(s["values"], s["bounds"], layer_id=P + "surface")] if s else []) + [plots]
    return layers, f"{s['bandwidth_m']:,.0f}" if s else "—", [float(df.lat.mean()), float(df.lon.mean())]


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(SITE, "value"), State(YEAR, "value"), State(SPECIES, "value"), prevent_initial_call=True)
def export(clicks, site, year, species):
    """Download the plot densities; audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    df = q.plot_densities(site, year, species, scope=district_scope())
    frame = df.rename(columns={c["field"]: c["headerName"] for c in COLUMNS})
    audit_export("wildlife/plots", len(frame), trigger["fmt"])
    return to_download(frame, "湿地样地_样地密度", trigger["fmt"])
