"""文明单位统计 (module 18): applications by stage, industry, district and cycle; pass and elimination rates."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html

from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from queries import civilized as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/admin/civilized-stats", name="文明单位统计", order=10,
                   title="文明单位统计 · 绿容通", category="admin", permission="civilized.admin",
                   description="申报情况按阶段、行业、区和周期统计，通过率与淘汰率")

P = "civ-stats-"
CYCLE, DIM = P + "cycle", P + "dim"
K_APPS, K_PRE, K_AWARD, K_ELIM = P + "k-apps", P + "k-pre", P + "k-award", P + "k-elim"
G_STAGE, G_DIM, G_CYCLE, GRID = P + "by-stage", P + "by-dim", P + "by-cycle", P + "grid"
EXPORTS = {"dimension": "分类统计", "cycles": "周期对比"}
COLUMNS = [{"field": "name", "headerName": "名称"}, {"field": "applications", "headerName": "申报数"},
           {"field": "awarded", "headerName": "授予/保留"}, {"field": "eliminated", "headerName": "淘汰"},
           {"field": "award_rate_text", "headerName": "通过率"}, {"field": "elimination_rate_text", "headerName": "淘汰率"}]


def _cycle_options() -> list[dict]:
    return [{"label": "全部周期", "value": 0}] + [{"label": r.name, "value": int(r.id)} for r in q.cycles().itertuples()]


def layout(**_query) -> html.Div:
    """Filters, KPI cards, charts by stage / dimension / cycle, the table, links to the workflow pages."""
    return html.Div(className="page", children=[
        board_header("文明单位统计", P, export=export_menu(P, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("评选周期", className="filter-label"),
            dcc.Dropdown(id=CYCLE, options=_cycle_options(), value=q.default_cycle() or 0, clearable=False,
                         className="filter-dd", style={"width": "200px"}),
            html.Label("分类", className="filter-label"),
            dcc.Dropdown(id=DIM, options=[{"label": v, "value": k} for k, v in q.DIMENSIONS.items()],
                         value="industry", clearable=False, className="filter-dd", style={"width": "140px"}),
            html.A("评选管理", href="/admin/civilized/cycles", className="tool-button", id=P + "link-cycles"),
            html.A("申报列表", href="/admin/civilized/applications", className="tool-button"),
            html.A("文明单位库", href="/admin/civilized/registry", className="tool-button"),
            html.A("评价统计", href="/admin/civilized-evaluation", className="tool-button"),
        ]),
        kpi_row([kpi_card("申报数", K_APPS, unit="家"), kpi_card("预申报审核通过率", K_PRE),
                 kpi_card("通过率（授予/保留）", K_AWARD), kpi_card("淘汰率", K_ELIM)]),
        html.Div(className="chart-grid", children=[
            chart_card("各阶段申报数", G_STAGE),
            chart_card("分类申报与结果", G_DIM),
        ]),
        chart_card("各周期通过率与淘汰率", G_CYCLE, height=280),
        panel("分类统计表", data_grid(GRID, COLUMNS, height=360)),
    ])


def _table(df) -> list[dict]:
    rows = df.assign(award_rate_text=df.award_rate.map(pct), elimination_rate_text=df.elimination_rate.map(pct))
    return rows[["name", "applications", "awarded", "eliminated", "award_rate_text", "elimination_rate_text"]].to_dict("records")


@callback(Output(K_APPS, "children"), Output(K_PRE, "children"), Output(K_AWARD, "children"), Output(K_ELIM, "children"),
          Output(G_STAGE, "figure"), Output(G_DIM, "figure"), Output(G_CYCLE, "figure"), Output(GRID, "rowData"),
          Output(P + "asof", "children"),
          Input(CYCLE, "value"), Input(DIM, "value"), Input(P + "refresh", "n_intervals"))
@memo_callback(q.DATASET)
def update(cycle_id, dimension, _tick):
    """Everything on the page for the chosen cycle (0: all cycles) and dimension."""
    scope = district_scope()
    df = q.applications(int(cycle_id) or None, scope=scope)
    s = q.summary(df)
    stages = q.by_stage(df)
    dim = q.by_dimension(df, dimension if dimension in q.DIMENSIONS else "industry")
    trend = q.by_cycle(scope=scope)
    fig_stage = figures.bar(stages.label, stages.n, unit=" 家") if s["applications"] else figures.empty()
    fig_dim = (figures.grouped_bars(dim.name, {"申报": dim.applications, "授予/保留": dim.awarded, "淘汰": dim.eliminated})
               if len(dim) else figures.empty())
    fig_cycle = (figures.lines(trend.cycle, {"通过率": trend.award_rate.fillna(0), "淘汰率": trend.elimination_rate.fillna(0)},
                               percent=True) if len(trend) else figures.empty())
    return (f"{s['applications']:,}", pct(s["pre_pass_rate"]), pct(s["award_rate"]), pct(s["elimination_rate"]),
            fig_stage, fig_dim, fig_cycle, _table(dim), "范围：" + (scope or "全市"))


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(CYCLE, "value"), State(DIM, "value"), prevent_initial_call=True)
def export(clicks, cycle_id, dimension):
    """Download the table by dimension or the cycle comparison (audited)."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return dash.no_update
    scope = district_scope()
    if trigger["target"] == "cycles":
        frame = q.by_cycle(scope=scope).rename(columns={
            "cycle": "周期", "applications": "申报数", "awarded": "授予/保留", "eliminated": "淘汰", "decided": "已评定",
            "pre_pass_rate": "预申报通过率", "award_rate": "通过率", "elimination_rate": "淘汰率"})
    else:
        frame = q.by_dimension(q.applications(int(cycle_id) or None, scope=scope),
                               dimension if dimension in q.DIMENSIONS else "industry").rename(columns={
            "name": q.DIMENSIONS.get(dimension, "行业"), "applications": "申报数", "awarded": "授予/保留",
            "eliminated": "淘汰", "award_rate": "通过率", "elimination_rate": "淘汰率"})
    audit_export(f"civilized/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"文明单位统计_{EXPORTS[trigger['target']]}", trigger["fmt"])
