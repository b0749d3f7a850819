"""植物园活植物台账与分布 (module 223): the living collection of the botanical gardens by family, genus and
species with conservation status, and plant locations on the garden map (aggregated on the server into cells);
search by name or accession number with garden, family and status filters. For leaders and the gardens' staff."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from layers.basemap import base_map
from layers.outlines import cell_layer, colored, outline_layer
from queries import gardens as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/gardens/collection", name="植物园活植物台账", order=70,
                   title="植物园活植物台账与分布 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="活植物按科属种、保护等级的台账，地图展示点位分布，支持检索筛选")

P = "garden-coll-"
GARDEN, FAMILY, STATUS, SEARCH, REFRESH = (P + k for k in ("garden", "family", "status", "search", "refresh"))
MAP_LAYER, FAMILY_CHART, STATUS_CHART, GRID = (P + k for k in ("layer", "by-family", "by-status", "grid"))
K_ACC, K_PLANTS, K_FAM, K_GEN, K_SP, K_PROT, K_THREAT = (P + k for k in (
    "k-acc", "k-plants", "k-fam", "k-gen", "k-sp", "k-prot", "k-threat"))
EXPORTS = {"search": "检索结果", "family": "科统计"}
FILTERS = [Input(GARDEN, "value"), Input(FAMILY, "value"), Input(STATUS, "value"), Input(REFRESH, "n_intervals")]
AREA_COLORS = {"专类园": "#a8dcc0", "展区": "#e3efe8"}
COLUMNS = [
    {"field": "accession_no", "headerName": "登录号", "minWidth": 140},
    {"field": "name_zh", "headerName": "中文名"},
    {"field": "species", "headerName": "学名", "minWidth": 170, "cellStyle": {"fontStyle": "italic"}},
    {"field": "family_zh", "headerName": "科"},
    {"field": "genus", "headerName": "属"},
    {"field": "iucn", "headerName": "IUCN", "maxWidth": 80},
    {"field": "national_protection", "headerName": "国家保护", "maxWidth": 100},
    {"field": "garden", "headerName": "植物园"},
    {"field": "area", "headerName": "展区/专类园"},
    {"field": "quantity", "headerName": "株数", "maxWidth": 80},
    {"field": "planted_year", "headerName": "定植年份", "maxWidth": 100},
]


def layout(**_query) -> html.Div:
    """Filters, KPIs, the garden map beside the family chart, then status and the search grid."""
    gardens = q.gardens(scope=district_scope())
    fams = q.families(scope=district_scope())
    return html.Div(className="page board", children=[
        board_header("植物园活植物台账与分布", P, export=export_menu(P, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("植物园", className="filter-label"),
            dcc.Dropdown(id=GARDEN, options=[{"label": r.name, "value": r.code} for r in gardens.itertuples()],
                         placeholder="全部植物园", className="filter-dd", style={"width": "160px"}),
            html.Label("科", className="filter-label"),
            dcc.Dropdown(id=FAMILY, options=[{"label": f"{r.family_zh} {r.family}", "value": r.family}
                                             for r in fams.itertuples()],
                         placeholder="全部科", className="filter-dd", style={"width": "220px"}),
            html.Label("保护等级", className="filter-label"),
            dcc.Dropdown(id=STATUS, options=[{"label": v, "value": k} for k, v in q.STATUS_OPTIONS.items()], value="",
                         clearable=False, className="filter-dd", style={"width": "220px"}),
            dcc.Input(id=SEARCH, type="search", placeholder="中文名、学名、科名或登录号", debounce=True,
                      className="filter-input", style={"width": "220px"}),
        ]),
        kpi_row([kpi_card("登录号", K_ACC, unit="个"), kpi_card("植株", K_PLANTS, unit="株"),
                 kpi_card("科", K_FAM, unit="个"), kpi_card("属", K_GEN, unit="个"), kpi_card("种", K_SP, unit="个"),
                 kpi_card("国家重点保护", K_PROT, unit="种"), kpi_card("IUCN 受威胁", K_THREAT, unit="种")]),
        html.Div(className="grid-2", children=[
            panel("活植物点位分布（按约 60 米网格汇总）", base_map([html.Div(id=MAP_LAYER)], map_id=P + "map",
                                                     height="520px", zoom=11)),
            chart_card("科 TOP15（登录号）", FAMILY_CHART, height=520),
        ]),
        html.Div(className="grid-2", children=[
            panel("台账检索（最多显示 200 条）", data_grid(GRID, COLUMNS, height=420, file_name="活植物台账.csv")),
            chart_card("IUCN 受威胁等级（种数）", STATUS_CHART, height=420),
        ]),
    ])


@callback(Output(K_ACC, "children"), Output(K_PLANTS, "children"), Output(K_FAM, "children"),
          Output(K_GEN, "children"), Output(K_SP, "children"), Output(K_PROT, "children"),
          Output(K_THREAT, "children"), Output(P + "asof", "children"), Output(FAMILY_CHART, "figure"),
          Output(STATUS_CHART, "figure"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def summary(garden, family, status, _tick):
    """Headline counts, the largest families and the species per IUCN category for the filters."""
    scope = district_scope()
    s = q.collection_summary(garden, family, status, scope=scope)
    fam = q.by_family(garden, status, scope=scope)
    st = q.by_status(garden, family, scope=scope)
    names = "、".join(q.gardens(scope=scope).name) or "无可见植物园"
    return (f"{s['accessions']:,}", f"{s['plants']:,}", f"{s['families']:,}", f"{s['genera']:,}", f"{s['species']:,}",
            f"{s['protected']:,}", f"{s['threatened']:,}", f"范围：{names}",
            figures.bar([f"{r.family_zh}" for r in fam.itertuples()], fam.accessions, horizontal=True, unit=" 个"),
            figures.bar(st.label, st.species, unit=" 种"))


@callback(Output(MAP_LAYER, "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def draw_map(garden, family, status, _tick):
    """Garden outlines, their areas, and the plant cells for the filters."""
    scope = district_scope()
    areas = colored(q.area_features(garden, scope=scope), AREA_COLORS, "kind")
    outlines = colored(q.garden_features(scope=scope), {}, "code")
    if garden:
        outlines["features"] = [f for f in outlines["features"] if f["properties"]["code"] == garden]
    return [outline_layer(outlines, layer_id=P + "gardens", opacity=0.15, zoom_to_bounds=True),
            outline_layer(areas, layer_id=P + "areas", opacity=0.5),
            cell_layer(q.cells(garden, family, status, scope=scope), layer_id=P + "cells")]


@callback(Output(GRID, "rowData"), *FILTERS, Input(SEARCH, "value"))
@memo_callback(q.DATASET, "reference")
def search(garden, family, status, _tick, text):
    """Accessions matching the search text and filters."""
    df = q.search(text, garden, family, status, scope=district_scope())
    return df[[c["field"] for c in COLUMNS]].to_dict("records")


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(GARDEN, "value"), State(FAMILY, "value"), State(STATUS, "value"), State(SEARCH, "value"),
          prevent_initial_call=True)
def export(clicks, garden, family, status, text):
    """Download the search result or the family table; every export is audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    frame = export_frame(trigger["target"], garden, family, status, text)
    audit_export(f"gardens/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"植物园_{EXPORTS[trigger['target']]}", trigger["fmt"])


def export_frame(target: str, garden, family, status, text):
    """The table of one export target, with Chinese headers."""
    scope = district_scope()
    if target == "search":
        df = q.search(text, garden, family, status, scope=scope, limit=50_000)
        return df[[c["field"] for c in COLUMNS]].rename(columns={c["field"]: c["headerName"] for c in COLUMNS})
    df = q.by_family(garden, status, scope=scope, n=1000)
    return df.rename(columns={"family": "科（学名）", "family_zh": "科", "accessions": "登录号", "plants": "植株",
                              "species": "种数"})
