"""极小种群复壮分析 (module 233): reintroduced and recovering plants and animals — population over time,
releases, yearly survival rates and the sites on the map.
"""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, callback, html, no_update

from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from layers.basemap import base_map
from layers.points import circle_markers
from queries import wildlife as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/wildlife/recovery", name="极小种群复壮", order=33,
                   title="极小种群复壮分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="野外回归与复壮种群的数量、存活率与分布")

P = "wl-rec-"
ASOF, REFRESH = P + "asof", P + "refresh"
MAP_LAYER, POP_CHART, SURV_CHART, GRID = (P + k for k in ("layer", "population", "survival", "grid"))
K_POPS, K_TOTAL, K_RELEASED, K_SURVIVAL = (P + k for k in ("k-pops", "k-total", "k-released", "k-survival"))
EXPORTS = {"recovery": "种群年度数据"}
COLUMNS = [{"field": "name_zh", "headerName": "物种"}, {"field": "name_sci", "headerName": "学名", "minWidth": 170},
           {"field": "protection", "headerName": "保护级别"}, {"field": "site", "headerName": "回归地", "minWidth": 180},
           {"field": "year", "headerName": "年度"}, {"field": "start_population", "headerName": "年初数量"},
           {"field": "released", "headerName": "投放/补植"}, {"field": "births", "headerName": "繁殖/更新"},
           {"field": "deaths", "headerName": "死亡"}, {"field": "population", "headerName": "年末数量"},
           {"field": "survival_rate", "headerName": "存活率"}]


def layout(**_query) -> html.Div:
    """KPIs, the population curves beside the map, survival rates and the yearly table."""
    return html.Div(className="page board", children=[
        board_header("极小种群复壮分析", P, export=export_menu(P, EXPORTS)),
        kpi_row([kpi_card("复壮种群", K_POPS, unit="个"), kpi_card("现存数量", K_TOTAL, unit="只/株"),
                 kpi_card("累计投放/补植", K_RELEASED, unit="只/株"), kpi_card("最近一年平均存活率", K_SURVIVAL)]),
        html.Div(className="grid-2", children=[
            chart_card("种群数量变化（年末）", POP_CHART, height=440),
            panel("回归地分布（圆点大小 = 现存数量）", base_map([html.Div(id=MAP_LAYER)], map_id=P + "map", height="440px")),
        ]),
        chart_card("年度存活率", SURV_CHART, height=340),
        panel("种群年度数据", data_grid(GRID, COLUMNS, height=420, file_name="极小种群.csv")),
    ])


@callback(Output(K_POPS, "children"), Output(K_TOTAL, "children"), Output(K_RELEASED, "children"),
          Output(K_SURVIVAL, "children"), Output(POP_CHART, "figure"), Output(SURV_CHART, "figure"),
          Output(MAP_LAYER, "children"), Output(GRID, "rowData"), Output(ASOF, "children"),
          Input(REFRESH, "n_intervals"))
@memo_callback(q.DATASET, "reference")
def board(_tick):
    """Every chart of the page from the population-year table."""
    df = q.recovery(scope=district_scope())
    if df.empty:
        return "0", "0", "0", "—", figures.empty(), figures.empty(), [], [], "暂无复壮种群"
    last_year = int(df.year.max())
    latest = df.sort_values("year").groupby("population_label").tail(1)
    years = sorted(df.year.unique())
    pop = {k: g.set_index("year")["population"].reindex(years).tolist() for k, g in df.groupby("population_label")}
    surv = {k: g.set_index("year")["survival_rate"].reindex(years).round(3).tolist()
            for k, g in df.groupby("population_label")}
    markers = circle_markers([{"lon": r.lon, "lat": r.lat, "value": r.population, "color": "#3b82c4",
                               "tooltip": f"{r.name_zh}（{r.site}）：{int(r.population)}"} for r in latest.itertuples()],
                             layer_id=P + "sites")
    return (f"{len(latest)}", f"{int(latest.population.sum()):,}", f"{int(df.released.sum()):,}",
            pct(df[df.year == last_year].survival_rate.mean()), figures.lines([str(y) for y in years], pop),
            figures.lines([str(y) for y in years], surv, percent=True), markers,
            df.round({"survival_rate": 3})[[c["field"] for c in COLUMNS]].to_dict("records"),
            f"数据截至 {last_year} 年")


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"), prevent_initial_call=True)
def export(clicks):
    """Download the population-year table; audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    df = q.recovery(scope=district_scope())
    frame = df[[c["field"] for c in COLUMNS]].rename(columns={c["field"]: c["headerName"] for c in COLUMNS})
    audit_export("wildlife/recovery", len(frame), trigger["fmt"])
    return to_download(frame, "极小种群_年度数据", trigger["fmt"])
