"""野生动植物生物多样性分析 (module 230): richness, Shannon, Simpson, Pielou and Chao1 by site, district and
year; the survey sites on the map sized by richness; the migration calendar of counted individuals.

For leaders and analysts of the wildlife protection division; a district user sees their district's sites.
"""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, html, no_update

from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from components.selectors import selector, selector_bar
from db.wildlife import TAXA
from layers.basemap import base_map
from layers.points import circle_markers
from queries import wildlife as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/wildlife/biodiversity", name="生物多样性", order=30,
                   title="野生动植物生物多样性分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="各样点、各区、各年度的物种多样性指数与物种分布")

P = "wl-bio-"
YEAR, TAXON, SITE, ASOF, REFRESH = (P + k for k in ("year", "taxon", "site", "asof", "refresh"))
MAP_LAYER, GRID, DISTRICT_CHART, YEAR_CHART, SPECIES_CHART, MONTH_CHART = (
    P + k for k in ("layer", "grid", "by-district", "by-year", "species", "monthly"))
K_RICH, K_SHANNON, K_SIMPSON, K_INVSIMPSON, K_PIELOU, K_CHAO1 = (
    P + k for k in ("k-richness", "k-shannon", "k-simpson", "k-invsimpson", "k-pielou", "k-chao1"))
EXPORTS = {"sites": "样点多样性指数", "districts": "分区多样性指数"}
COLUMNS = [{"field": "name", "headerName": "样点", "minWidth": 200}, {"field": "kind", "headerName": "类型"},
           {"field": "richness", "headerName": "物种数 S"}, {"field": "individuals", "headerName": "个体数"},
           {"field": "shannon", "headerName": "Shannon H′"}, {"field": "simpson", "headerName": "Simpson 1−Σp²"},
           {"field": "inverse_simpson", "headerName": "1/Σp²"}, {"field": "pielou", "headerName": "Pielou J"},
           {"field": "chao1", "headerName": "Chao1"}]
FILTERS = [Input(YEAR, "value"), Input(TAXON, "value"), Input(SITE, "value"), Input(REFRESH, "n_intervals")]


def layout(**_query) -> html.Div:
    """Filters, index KPIs, the site map beside the district ranking, trends, species and the site table."""
    years = q.survey_years()
    sites = q.sites(scope=district_scope())
    return html.Div(className="page board", children=[
        board_header("野生动植物生物多样性分析", P, export=export_menu(P, EXPORTS)),
        selector_bar(selector("年度", YEAR, years, years[0] if years else None, width="110px"),
                     selector("类群", TAXON, TAXA, "鸟类", width="130px", clearable=True, placeholder="全部类群"),
                     selector("样点", SITE, [{"label": r.name, "value": r.code} for r in sites.itertuples()],
                              None, width="260px", clearable=True, placeholder="全部样点")),
        kpi_row([kpi_card("物种丰富度 S", K_RICH, unit="种"), kpi_card("Shannon H′", K_SHANNON),
                 kpi_card("Simpson 1−Σp²", K_SIMPSON), kpi_card("逆 Simpson 1/Σp²", K_INVSIMPSON),
                 kpi_card("Pielou 均匀度 J", K_PIELOU), kpi_card("Chao1 估计物种数", K_CHAO1, unit="种")]),
        html.Div(className="grid-2", children=[
            panel("调查样点分布（圆点大小 = 物种数）", base_map([html.Div(id=MAP_LAYER)], map_id=P + "map", height="480px")),
            chart_card("各区 Shannon 多样性指数", DISTRICT_CHART, height=480),
        ]),
        html.Div(className="grid-2-even", children=[
            chart_card("多样性指数年度变化", YEAR_CHART, height=360),
            chart_card("优势物种 TOP15（个体数）", SPECIES_CHART, height=360),
        ]),
        chart_card("月度记录个体数（候鸟迁徙季节）", MONTH_CHART, height=340),
        panel("样点多样性指数", data_grid(GRID, COLUMNS, height=420, file_name="样点多样性.csv")),
    ])


def _fmt(value, digits: int = 3) -> str:
    return "—" if value is None or value != value else f"{value:.{digits}f}"


@callback(Output(K_RICH, "children"), Output(K_SHANNON, "children"), Output(K_SIMPSON, "children"),
          Output(K_INVSIMPSON, "children"), Output(K_PIELOU, "children"), Output(K_CHAO1, "children"),
          Output(ASOF, "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def kpis(year, taxon, site, _tick):
    """Indices of the city (or the site chosen) for the year, pooled over sites."""
    df = q.diversity_by_year(taxon, None, site, scope=district_scope())
    row = df[df.year == year]
    if row.empty:
        return "—", "—", "—", "—", "—", "—", "暂无调查数据"
    r = row.iloc[0]
    return (f"{int(r.richness)}", _fmt(r.shannon), _fmt(r.simpson), _fmt(r.inverse_simpson, 2), _fmt(r.pielou),
            _fmt(r.chao1, 1), f"{year} 年调查数据，{taxon or '全部类群'}")


@callback(Output(MAP_LAYER, "children"), Output(GRID, "rowData"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def sites_map(year, taxon, _site, _tick):
    """Sites sized by species richness, and the per-site index table."""
    df = q.diversity_by_site(year, taxon, scope=district_scope())
    rows = [{"lon": r.lon, "lat": r.lat, "value": r.richness,
             "tooltip": f"{r.name}：{int(r.richness)} 种，H′={r.shannon:.2f}"} for r in df.itertuples()]
    table = df.round({"shannon": 3, "simpson": 3, "inverse_simpson": 2, "pielou": 3, "chao1": 1})
    return circle_markers(rows, layer_id=P + "sites"), table.to_dict("records")


@callback(Output(DISTRICT_CHART, "figure"), Output(YEAR_CHART, "figure"), Output(SPECIES_CHART, "figure"),
          Output(MONTH_CHART, "figure"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def charts(year, taxon, site, _tick):
    """District ranking, the yearly change of the indices, dominant species and the monthly counts."""
    scope = district_scope()
    by_d = q.diversity_by_district(year, taxon, scope=scope).sort_values("shannon", ascending=False)
    by_y = q.diversity_by_year(taxon, None, site, scope=scope)
    top = q.top_species(year, taxon, None, site, scope=scope)
    monthly = q.monthly_by_taxon(taxon, None, site, scope=scope)
    months = sorted(monthly.month.unique())
    series = {t: monthly[monthly.taxon == t].set_index("month")["individuals"].reindex(months, fill_value=0).tolist()
              for t in monthly.taxon.unique()}
    return (figures.bar(by_d.name, by_d.shannon.round(3), horizontal=True) if len(by_d) else figures.empty(),
            figures.lines(by_y.year.astype(str), {"Shannon H′": by_y.shannon.round(3),
                                                  "Simpson 1−Σp²": by_y.simpson.round(3),
                                                  "Pielou J": by_y.pielou.round(3)}) if len(by_y) else figures.empty(),
            figures.bar(top.name_zh, top.individuals, horizontal=True, unit=" 只/株") if len(top) else figures.empty(),
            figures.stacked_bars([f"{m:%Y-%m}" for m in months], series, unit=" 个体") if months else figures.empty())


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(YEAR, "value"), State(TAXON, "value"), prevent_initial_call=True)
def export(clicks, year, taxon):
    """Download the site or district index table; every export is audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    frame = export_frame(trigger["target"], year, taxon)
    audit_export(f"wildlife/biodiversity/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"生物多样性_{EXPORTS[trigger['target']]}", trigger["fmt"])


def export_frame(target: str, year, taxon):
    """The table of one export target, with Chinese headers."""
    scope = district_scope()
    idx = {"richness": "物种数", "individuals": "个体数", "shannon": "Shannon", "simpson": "Simpson",
           "inverse_simpson": "逆Simpson", "pielou": "Pielou", "chao1": "Chao1"}
    if target == "sites":
        df = q.diversity_by_site(year, taxon, scope=scope)
        return df[["name", *idx]].rename(columns={"name": "样点", **idx})
    df = q.diversity_by_district(year, taxon, scope=scope)
    return df[["name", *idx]].rename(columns={"name": "区", **idx})
