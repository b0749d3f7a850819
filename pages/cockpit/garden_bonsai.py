"""植物园盆景台账与分布 (module 224): bonsai counted by kind, school (style) and age, and their distribution over
the gardens and exhibition areas; the oldest works listed. For leaders and the gardens' staff."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from db.gardens import BONSAI_KINDS, BONSAI_STYLES
from queries import gardens as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/gardens/bonsai", name="植物园盆景台账", order=71,
                   title="植物园盆景台账与分布 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="盆景数量、种类、流派、树龄及在各园区展区的分布")

P = "garden-bonsai-"
GARDEN, KIND, STYLE, REFRESH = (P + k for k in ("garden", "kind", "style", "refresh"))
KIND_CHART, STYLE_CHART, AGE_CHART, DIST_CHART, GRID = (P + k for k in ("by-kind", "by-style", "by-age", "dist", "grid"))
K_COUNT, K_KINDS, K_STYLES, K_AGE, K_OLD = (P + k for k in ("k-count", "k-kinds", "k-styles", "k-age", "k-old"))
EXPORTS = {"distribution": "展区分布", "list": "盆景清单"}
FILTERS = [Input(GARDEN, "value"), Input(KIND, "value"), Input(STYLE, "value"), Input(REFRESH, "n_intervals")]
COLUMNS = [{"field": "bonsai_no", "headerName": "编号", "minWidth": 130}, {"field": "title", "headerName": "作品名"},
           {"field": "kind", "headerName": "类型"}, {"field": "style", "headerName": "流派"},
           {"field": "species_zh", "headerName": "树种/石材"}, {"field": "age_years", "headerName": "树龄（年）"},
           {"field": "garden", "headerName": "植物园"}, {"field": "area", "headerName": "展区"}]


def _options(values):
    return [{"label": v, "value": v} for v in values]


def layout(**_query) -> html.Div:
    """Filters, KPIs, kind/style/age charts, the distribution over areas and the oldest works."""
    gardens = q.gardens(scope=district_scope())
    return html.Div(className="page board", children=[
        board_header("植物园盆景台账与分布", P, export=export_menu(P, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("植物园", className="filter-label"),
            dcc.Dropdown(id=GARDEN, options=[{"label": r.name, "value": r.code} for r in gardens.itertuples()],
                         placeholder="全部植物园", className="filter-dd", style={"width": "160px"}),
            html.Label("类型", className="filter-label"),
            dcc.Dropdown(id=KIND, options=_options(BONSAI_KINDS), placeholder="全部类型", className="filter-dd",
                         style={"width": "150px"}),
            html.Label("流派", className="filter-label"),
            dcc.Dropdown(id=STYLE, options=_options(BONSAI_STYLES), placeholder="全部流派", className="filter-dd",
                         style={"width": "150px"}),
        ]),
        kpi_row([kpi_card("盆景总数", K_COUNT, unit="盆"), kpi_card("类型", K_KINDS, unit="类"),
                 kpi_card("流派", K_STYLES, unit="个"), kpi_card("平均树龄", K_AGE, unit="年"),
                 kpi_card("百年以上", K_OLD, unit="盆")]),
        html.Div(className="grid-3", children=[chart_card("按类型", KIND_CHART, height=340),
                                               chart_card("按流派", STYLE_CHART, height=340),
                                               chart_card("按树龄", AGE_CHART, height=340)]),
        html.Div(className="grid-2", children=[
            chart_card("园区与展区分布（按类型堆叠）", DIST_CHART, height=420),
            panel("盆景清单（树龄最长的 300 盆）", data_grid(GRID, COLUMNS, height=420, file_name="盆景清单.csv")),
        ]),
    ])


@callback(Output(K_COUNT, "children"), Output(K_KINDS, "children"), Output(K_STYLES, "children"),
          Output(K_AGE, "children"), Output(K_OLD, "children"), Output(KIND_CHART, "figure"),
          Output(STYLE_CHART, "figure"), Output(AGE_CHART, "figure"), Output(DIST_CHART, "figure"),
          Output(GRID, "rowData"), Output(P + "asof", "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def refresh(garden, kind, style, _tick):
    """Counts, the three breakdowns, the distribution over areas and the oldest works."""
    scope = district_scope()
    s = q.bonsai_summary(garden, kind, style, scope=scope)
    by_kind = q.bonsai_by("kind", garden, kind, style, scope=scope)
    by_style = q.bonsai_by("style", garden, kind, style, scope=scope)
    by_age = q.bonsai_by("age_band", garden, kind, style, scope=scope)
    dist = q.bonsai_distribution(garden, kind, style, scope=scope)
    dist["place"] = dist.garden + "·" + dist.area
    places = sorted(dist.place.unique())
    series = {k: dist[dist.kind == k].set_index("place")["count"].reindex(places, fill_value=0).tolist()
              for k in BONSAI_KINDS if (dist.kind == k).any()}
    rows = q.bonsai_list(garden, kind, style, scope=scope)
    age = "—" if s["mean_age"] != s["mean_age"] else f"{s['mean_age']:.0f}"
    return (f"{s['count']:,}", str(s["kinds"]), str(s["styles"]), age, f"{s['centenarian']:,}",
            figures.bar(by_kind.kind, by_kind["count"], unit=" 盆"),
            figures.bar(by_style["style"], by_style["count"], unit=" 盆"),
            figures.bar(by_age.age_band, by_age["count"], unit=" 盆"),
            figures.stacked_bars(places, series, unit=" 盆"),
            rows[[c["field"] for c in COLUMNS]].to_dict("records"), "范围：" + ("、".join(q.gardens(scope=scope).name) or "无"))


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(GARDEN, "value"), State(KIND, "value"), State(STYLE, "value"), prevent_initial_call=True)
def export(clicks, garden, kind, style):
    """Download the distribution or the list; every export is audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    scope = district_scope()
    if trigger["target"] == "distribution":
        frame = q.bonsai_distribution(garden, kind, style, scope=scope).rename(
            columns={"garden": "植物园", "area": "展区", "kind": "类型", "count": "数量"})
    else:
        frame = q.bonsai_list(garden, kind, style, scope=scope, limit=100_000)[[c["field"] for c in COLUMNS]]
        frame = frame.rename(columns={c["field"]: c["headerName"] for c in COLUMNS})
    audit_export(f"gardens/bonsai-{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"盆景_{EXPORTS[trigger['target']]}", trigger["fmt"])
