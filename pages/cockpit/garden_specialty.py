"""植物园专类园分析 (module 225): the specialty gardens' outlines on the map; a click opens the garden's
information panel (area, taxa, accessions, protected species, highlights); a comparison table below."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from layers.basemap import base_map
from layers.outlines import colored, outline_layer
from queries import gardens as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/gardens/specialty", name="植物园专类园分析", order=72,
                   title="植物园专类园分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="专类园的地理位置、面积、收集类群与特色，点击地图查看园区信息")

P = "garden-spec-"
GARDEN, REFRESH, MAP_LAYER, INFO, CHART, GRID = (P + k for k in (
    "garden", "refresh", "layer", "info", "chart", "grid"))
K_COUNT, K_AREA, K_SPECIES, K_ACC = (P + k for k in ("k-count", "k-area", "k-species", "k-acc"))
EXPORTS = {"specialty": "专类园信息"}
KIND = "专类园"
FIELDS = {"garden": "植物园", "name": "专类园", "area_ha": "面积（公顷）", "opened_year": "建成年份", "families": "科",
          "species": "种", "accessions": "登录号", "plants": "植株", "protected": "国家重点保护种", "highlights": "特色"}
COLUMNS = [{"field": k, "headerName": v} for k, v in FIELDS.items() if k != "highlights"]
PALETTE = figures.PALETTE


def layout(**_query) -> html.Div:
    """Filter, KPIs, the map beside the information panel, then the comparison chart and table."""
    gardens = q.gardens(scope=district_scope())
    return html.Div(className="page board", children=[
        board_header("植物园专类园分析", P, export=export_menu(P, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("植物园", className="filter-label"),
            dcc.Dropdown(id=GARDEN, options=[{"label": r.name, "value": r.code} for r in gardens.itertuples()],
                         placeholder="全部植物园", className="filter-dd", style={"width": "160px"}),
        ]),
        kpi_row([kpi_card("专类园", K_COUNT, unit="个"), kpi_card("总面积", K_AREA, unit="公顷"),
                 kpi_card("收集种数", K_SPECIES, unit="种"), kpi_card("登录号", K_ACC, unit="个")]),
        html.Div(className="grid-2", children=[
            panel("专类园分布（点击查看园区信息）", base_map([html.Div(id=MAP_LAYER)], map_id=P + "map", height="500px",
                                                 zoom=11)),
            panel("园区信息", html.Div(id=INFO, className="info-panel",
                                    children=html.P("点击地图上的专类园查看面积、收集类群与特色。", className="caption"))),
        ]),
        html.Div(className="grid-2", children=[
            panel("专类园一览", data_grid(GRID, COLUMNS, height=400, file_name="专类园.csv")),
            chart_card("各专类园收集种数", CHART, height=400),
        ]),
    ])


def _collection(features: list[dict]) -> dict:
    colors = {f["properties"]["code"]: PALETTE[i % len(PALETTE)] for i, f in enumerate(features)}
    return colored(features, colors, "code")


@callback(Output(K_COUNT, "children"), Output(K_AREA, "children"), Output(K_SPECIES, "children"),
          Output(K_ACC, "children"), Output(MAP_LAYER, "children"), Output(GRID, "rowData"), Output(CHART, "figure"),
          Output(P + "asof", "children"), Input(GARDEN, "value"), Input(REFRESH, "n_intervals"))
@memo_callback(q.DATASET, "reference")
def refresh(garden, _tick):
    """The specialty gardens' figures, outlines, table and species chart."""
    scope = district_scope()
    df = q.areas(garden, KIND, scope=scope)
    species = q.collection_summary(garden, scope=scope)["species"]
    outlines = q.garden_features(scope=scope)
    if garden:
        outlines = [f for f in outlines if f["properties"]["code"] == garden]
    layers = [outline_layer({"type": "FeatureCollection", "features": outlines}, layer_id=P + "gardens", opacity=0.12,
                            zoom_to_bounds=True),
              outline_layer(_collection(q.area_features(garden, KIND, scope=scope)), layer_id=P + "areas",
                            opacity=0.6)]
    chart = df.sort_values("species", ascending=False)
    return (f"{len(df):,}", f"{df.area_ha.sum():,.1f}", f"{species:,}", f"{int(df.accessions.sum()):,}", layers,
            df[[c["field"] for c in COLUMNS]].round({"area_ha": 2}).to_dict("records"),
            figures.bar(chart.garden + "·" + chart.name, chart.species, horizontal=True, unit=" 种"),
            "范围：" + ("、".join(q.gardens(scope=scope).name) or "无"))


@callback(Output(INFO, "children"), Input(P + "areas", "clickData"), prevent_initial_call=True)
def info(click):
    """The clicked specialty garden's information panel."""
    area_id = ((click or {}).get("properties") or {}).get("id")
    detail = q.area_detail(int(area_id), scope=district_scope()) if area_id is not None else None
    if detail is None:
        return no_update
    rows = [("植物园", detail["garden"]), ("类型", detail["kind"]), ("面积", f"{detail['area_ha']:.2f} 公顷"),
            ("建成年份", str(detail["opened_year"] or "—")), ("收集", f"{detail['families']} 科 {detail['species']} 种"),
            ("登录号", f"{detail['accessions']:,} 个（{detail['plants']:,} 株）"),
            ("重点保护", f"{detail['protected']} 种"), ("特色", detail["highlights"] or "—"),
            ("代表植物", "；".join(detail["top_taxa"]) or "—")]
    return [html.H4(detail["name"], id=P + "info-name", className="info-title"),
            html.Dl(className="detail", children=[x for k, v in rows for x in (html.Dt(k), html.Dd(v))])]


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"), State(GARDEN, "value"),
          prevent_initial_call=True)
def export(clicks, garden):
    """Download the specialty gardens' table; audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    frame = q.areas(garden, KIND, scope=district_scope())[list(FIELDS)].rename(columns=FIELDS)
    audit_export("gardens/specialty", len(frame), trigger["fmt"])
    return to_download(frame, "植物园_专类园信息", trigger["fmt"])
