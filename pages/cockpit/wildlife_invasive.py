"""外来入侵物种分析 (module 234): occurrences of the species on the national key-management list, their
spread over the years (records, infested area, districts reached) and the effect of control work.
Occurrences reach the map aggregated into 0.02° cells.
"""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, html, no_update

from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.selectors import selector, selector_bar
from layers.basemap import base_map
from layers.choropleth import choropleth_layer, choropleth_outputs, choropleth_view
from layers.points import cell_layer
from queries import wildlife as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/wildlife/invasive", name="外来入侵物种", order=34,
                   title="外来入侵物种分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="重点管理外来入侵物种的分布、扩散与防控成效")

P = "wl-inv-"
SPECIES, YEAR, ASOF, REFRESH = (P + k for k in ("species", "year", "asof", "refresh"))
MAP_LAYER, SPREAD_CHART, AREA_CHART, METHOD_CHART, DISTRICT_CHART = (
    P + k for k in ("layer", "spread", "area", "methods", "by-district"))
K_RECORDS, K_AREA, K_DISTRICTS, K_CONTROL, K_REDUCTION = (
    P + k for k in ("k-records", "k-area", "k-districts", "k-control", "k-reduction"))
EXPORTS = {"years": "年度扩散与防控", "districts": "分区发生情况"}
FILTERS = [Input(SPECIES, "value"), Input(YEAR, "value"), Input(REFRESH, "n_intervals")]


def layout(**_query) -> html.Div:
    """Species and year choices, KPIs, the occurrence map, spread and control charts."""
    sp = q.invasive_species()
    years = sorted(q.invasive_by_year(scope=district_scope()).year.unique().tolist(), reverse=True)
    return html.Div(className="page board", children=[
        board_header("外来入侵物种分析", P, export=export_menu(P, EXPORTS)),
        selector_bar(selector("物种", SPECIES, [{"label": f"{r.name_zh}（{r.name_sci}）", "value": r.code}
                                               for r in sp.itertuples()], None, width="300px", clearable=True,
                              placeholder="全部重点管理物种"),
                     selector("年度", YEAR, years, years[0] if years else None, width="110px")),
        kpi_row([kpi_card("发现点位", K_RECORDS, unit="处"), kpi_card("发生面积", K_AREA, unit="公顷"),
                 kpi_card("涉及区", K_DISTRICTS, unit="个"), kpi_card("防控处置率", K_CONTROL),
                 kpi_card("防控后面积压减", K_REDUCTION)]),
        html.Div(className="grid-2", children=[
            panel("发生点位分布（约 2 公里网格汇总）", base_map([choropleth_layer(layer_id=P + "districts"),
                                                                 html.Div(id=MAP_LAYER)], map_id=P + "map", height="500px")),
            chart_card("各区发现点位", DISTRICT_CHART, height=500),
        ]),
        html.Div(className="grid-2-even", children=[
            chart_card("逐年扩散（发现点位）", SPREAD_CHART, height=360),
            chart_card("逐年发生面积与防控后剩余面积（公顷）", AREA_CHART, height=360),
        ]),
        chart_card("各防控措施的面积压减率", METHOD_CHART, height=320),
    ])


@callback(Output(K_RECORDS, "children"), Output(K_AREA, "children"), Output(K_DISTRICTS, "children"),
          Output(K_CONTROL, "children"), Output(K_REDUCTION, "children"), *choropleth_outputs(P + "districts"),
          Output(MAP_LAYER, "children"), Output(DISTRICT_CHART, "figure"), Output(ASOF, "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def year_view(species, year, _tick):
    """The chosen year: KPIs, districts and the occurrence cells over the district outlines."""
    scope = district_scope()
    by_d = q.invasive_by_district(year, species, scope=scope)
    cells = q.invasive_cells(year, species, scope=scope)
    records, controlled = by_d.records.sum(), by_d.controlled.sum()
    treated = by_d.controlled_area_m2.sum()
    reduction = 1 - by_d.area_after_m2.sum() / treated if treated else None
    outline = choropleth_view(dict(zip(by_d.district_code, by_d.records)),
                              {r.district_code: f"{r.name}：{int(r.records)} 处" for r in by_d.itertuples()})
    points = cell_layer(cells.lon, cells.lat, cells.records,
                        [f"{int(r.records)} 处，{r.area_m2 / 1e4:.2f} 公顷" for r in cells.itertuples()],
                        layer_id=P + "cells")
    return (f"{int(records):,}", f"{by_d.area_m2.sum() / 1e4:,.1f}", f"{len(by_d)}",
            pct(controlled / records if records else None), pct(reduction), *outline, points,
            figures.bar(by_d.name, by_d.records, horizontal=True, unit=" 处") if len(by_d) else figures.empty(),
            f"{year} 年调查与防控记录")


@callback(Output(SPREAD_CHART, "figure"), Output(AREA_CHART, "figure"), Output(METHOD_CHART, "figure"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def spread(species, _year, _tick):
    """Spread over the years per species, infested and remaining area, and the control methods' effect."""
    scope = district_scope()
    df = q.invasive_by_year(species, scope=scope)
    years = sorted(df.year.unique())
    series = {n: g.set_index("year")["records"].reindex(years, fill_value=0).tolist() for n, g in df.groupby("name_zh")}
    tot = df.groupby("year")[["area_m2", "controlled_area_m2", "area_after_m2"]].sum().reindex(years, fill_value=0)
    remaining = (tot.area_m2 - tot.controlled_area_m2 + tot.area_after_m2) / 1e4
    methods = q.control_methods(species, scope=scope)
    labels = [str(y) for y in years]
    return (figures.stacked_bars(labels, series, unit=" 处") if years else figures.empty(),
            figures.grouped_bars(labels, {"发生面积": (tot.area_m2 / 1e4).round(2).tolist(),
                                          "防控后剩余": remaining.round(2).tolist()}) if years else figures.empty(),
            figures.bar(methods.method, (methods.reduction * 100).round(1), unit=" %") if len(methods) else figures.empty())


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(SPECIES, "value"), State(YEAR, "value"), prevent_initial_call=True)
def export(clicks, species, year):
    """Download the yearly spread or the district table; audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    scope = district_scope()
    names = {"records": "发现点位", "area_m2": "发生面积（平方米）", "controlled": "已防控点位",
             "control_rate": "防控处置率", "reduction": "面积压减率"}
    if trigger["target"] == "years":
        frame = q.invasive_by_year(species, scope=scope)[["year", "name_zh", *names]]
        frame = frame.rename(columns={"year": "年度", "name_zh": "物种", **names})
    else:
        frame = q.invasive_by_district(year, species, scope=scope)[["name", *names]].rename(columns={"name": "区", **names})
    audit_export(f"wildlife/invasive/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"外来入侵物种_{EXPORTS[trigger['target']]}", trigger["fmt"])
