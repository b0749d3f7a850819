"""文明单位评价统计 (module 19): each unit's scores against the indicator system, compared with the average,
exportable."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html

from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from queries import civilized as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/admin/civilized-evaluation", name="文明单位评价统计", order=11,
                   title="文明单位评价统计 · 绿容通", category="admin", permission="civilized.admin",
                   description="逐单位对照评价体系的得分，与平均分比较，可导出")

P = "civ-eval-"
CYCLE, UNIT = P + "cycle", P + "unit"
K_FINAL, K_RANK, K_BUREAU, K_AVG = P + "k-final", P + "k-rank", P + "k-bureau", P + "k-avg"
G_CATEGORY, G_GAP, GRID, LINK = P + "by-category", P + "gap", P + "grid", P + "link"
EXPORTS = {"unit": "本单位指标得分", "cycle": "全部单位分类得分"}
COLUMNS = [{"field": "category", "headerName": "类别"}, {"field": "code", "headerName": "编号", "maxWidth": 90},
           {"field": "name", "headerName": "指标", "minWidth": 200}, {"field": "max_score", "headerName": "满分", "maxWidth": 90},
           {"field": "self", "headerName": "自评"}, {"field": "association", "headerName": "协会评分"},
           {"field": "bureau", "headerName": "文明办评分"}, {"field": "avg_bureau", "headerName": "文明办平均"},
           {"field": "gap", "headerName": "与平均差"}]


def layout(**_query) -> html.Div:
    """Cycle and unit pickers, KPI cards, category comparison, indicator gaps, indicator table."""
    options = [{"label": r.name, "value": int(r.id)} for r in q.cycles().itertuples()]
    return html.Div(className="page", children=[
        board_header("文明单位评价统计", P, export=export_menu(P, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("评选周期", className="filter-label"),
            dcc.Dropdown(id=CYCLE, options=options, value=q.default_cycle(), clearable=False, className="filter-dd",
                         style={"width": "200px"}),
            html.Label("单位", className="filter-label"),
            dcc.Dropdown(id=UNIT, options=[], className="filter-dd", style={"minWidth": "340px"}, clearable=False),
            html.A("查看申报", id=LINK, href="/admin/civilized/applications", className="tool-button"),
            html.A("文明单位统计", href="/admin/civilized-stats", className="tool-button"),
        ]),
        kpi_row([kpi_card("综合得分", K_FINAL, unit="分"), kpi_card("排名", K_RANK),
                 kpi_card("文明办评分", K_BUREAU, unit="分"), kpi_card("文明办评分平均", K_AVG, unit="分")]),
        html.Div(className="chart-grid", children=[
            chart_card("分类得分与平均分", G_CATEGORY),
            chart_card("各指标与平均分之差（文明办评分）", G_GAP),
        ]),
        panel("指标得分明细", data_grid(GRID, COLUMNS, height=420, page_size=50)),
    ])


@callback(Output(UNIT, "options"), Output(UNIT, "value"), Input(CYCLE, "value"))
@memo_callback(q.DATASET)
def units(cycle_id):
    """The cycle's scored units, best first; the first one is shown."""
    if not cycle_id:
        return [], None
    df = q.scored_units(int(cycle_id), scope=district_scope())
    options = [{"label": f"{r.name}（{r.final_score:.2f}）" if r.final_score == r.final_score and r.final_score is not None
                else r.name, "value": int(r.id)} for r in df.itertuples()]
    return options, options[0]["value"] if options else None


@callback(Output(K_FINAL, "children"), Output(K_RANK, "children"), Output(K_BUREAU, "children"), Output(K_AVG, "children"),
          Output(G_CATEGORY, "figure"), Output(G_GAP, "figure"), Output(GRID, "rowData"), Output(LINK, "href"),
          Output(P + "asof", "children"),
          Input(UNIT, "value"), State(CYCLE, "value"), Input(P + "refresh", "n_intervals"))
@memo_callback(q.DATASET)
def update(app_id, cycle_id, _tick):
    """One unit's profile against the cycle's averages."""
    empty = ("—", "—", "—", "—", figures.empty(), figures.empty(), [], "/admin/civilized/applications", "")
    if not app_id or not cycle_id:
        return empty
    scope = district_scope()
    profile = q.unit_profile(int(cycle_id), int(app_id), scope=scope)
    if not len(profile):
        return empty
    units = q.scored_units(int(cycle_id), scope=scope).set_index("id")
    row = units.loc[int(app_id)]
    cats = q.by_category(profile)
    bureau = (profile.bureau * profile.weight).sum(min_count=1)
    avg = (profile.avg_bureau * profile.weight).sum(min_count=1)
    fig_cat = figures.grouped_bars(cats.category, {"本单位（文明办）": cats.bureau.fillna(0).round(2),
                                                   "平均（文明办）": cats.avg_bureau.fillna(0).round(2),
                                                   "满分": cats["max"].round(2)})
    profile = profile.assign(gap=(profile.bureau - profile.avg_bureau).round(2))
    fig_gap = figures.bar(profile.code + " " + profile.name, profile.gap.fillna(0), horizontal=True, unit=" 分")
    grid = profile.round(2).astype(object).where(profile.notna(), None)
    final = "—" if row.final_score is None or row.final_score != row.final_score else f"{row.final_score:.2f}"
    rank = "—" if row["rank"] is None or row["rank"] != row["rank"] else f"第 {int(row['rank'])} 名"
    return (final, rank, "—" if bureau != bureau else f"{bureau:.2f}", "—" if avg != avg else f"{avg:.2f}",
            fig_cat, fig_gap, grid[[c["field"] for c in COLUMNS]].to_dict("records"),
            f"/admin/civilized/applications/{int(app_id)}", "范围：" + (scope or "全市"))


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(CYCLE, "value"), State(UNIT, "value"), prevent_initial_call=True)
def export(clicks, cycle_id, app_id):
    """Download the unit's indicator table or every unit's category scores of the cycle (audited)."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks) or not cycle_id:
        return dash.no_update
    scope = district_scope()
    if trigger["target"] == "cycle":
        frame = q.cycle_category_scores(int(cycle_id), scope=scope).rename(columns={"unit": "单位", "industry": "行业"})
    else:
        profile = q.unit_profile(int(cycle_id), int(app_id or 0), scope=scope)
        frame = profile[[c["field"] for c in COLUMNS if c["field"] != "gap"]].rename(
            columns={c["field"]: c["headerName"] for c in COLUMNS}) if len(profile) else profile
    audit_export(f"civilized/evaluation/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"文明单位评价_{EXPORTS[trigger['target']]}", trigger["fmt"])
