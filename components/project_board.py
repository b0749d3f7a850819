"""The shape shared by the green-space project boards (modules 226 and 227): programme, district and status
filters, KPIs, project outlines on the map coloured by status, per-district area and progress, the project grid
and export. A page calls ``project_board_layout`` and ``register_project_callbacks`` with its own prefix."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from db.greenspace import PROJECT_STATUSES
from layers.basemap import base_map
from layers.choropleth import choropleth_layer, choropleth_outputs, choropleth_view
from layers.outlines import outline_layer
from queries import greenspace as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

# The callbacks registered here serve pages of the cockpit (both require cockpit.view): the access check of
# /_dash-update-component reads this for callbacks defined outside a page module (security.web.callback_owner).
CALLBACK_PERMISSION = "cockpit.view"
EXPORTS = {"projects": "项目清单", "district": "分区统计"}
COLUMNS = [
    {"field": "project_no", "headerName": "项目编号", "minWidth": 130}, {"field": "name", "headerName": "项目名称", "minWidth": 170},
    {"field": "program", "headerName": "类别"}, {"field": "district", "headerName": "区", "maxWidth": 100},
    {"field": "status", "headerName": "状态", "maxWidth": 90}, {"field": "progress_text", "headerName": "进度", "maxWidth": 90},
    {"field": "planned_area_ha", "headerName": "规划面积（公顷）"}, {"field": "completed_area_ha", "headerName": "已建成（公顷）"},
    {"field": "planned_end_text", "headerName": "计划完工", "maxWidth": 110}, {"field": "builder", "headerName": "建设单位"},
]


def project_board_layout(prefix: str, title: str, programs: list[str]) -> html.Div:
    """Filters, KPIs, the project map beside the status chart, per-district area and progress, the grid."""
    names = q.district_names()
    scope = district_scope()
    return html.Div(className="page board", children=[
        board_header(title, prefix, export=export_menu(prefix, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("类别", className="filter-label"),
            dcc.Dropdown(id=prefix + "programs", options=[{"label": p, "value": p} for p in programs], value=programs,
                         multi=True, clearable=False, className="filter-dd", style={"minWidth": "300px"}),
            html.Label("区", className="filter-label"),
            dcc.Dropdown(id=prefix + "district", options=[{"label": n, "value": c} for c, n in names.items()
                                                          if not scope or c == scope],
                         placeholder="全市", className="filter-dd", style={"width": "140px"}),
            html.Label("状态", className="filter-label"),
            dcc.Dropdown(id=prefix + "status", options=[{"label": s, "value": s} for s in PROJECT_STATUSES],
                         placeholder="全部状态", className="filter-dd", style={"width": "130px"}),
        ]),
        kpi_row([kpi_card("项目数", prefix + "k-projects", unit="个"), kpi_card("规划面积", prefix + "k-planned", unit="公顷"),
                 kpi_card("已建成面积", prefix + "k-completed", unit="公顷"), kpi_card("建设进度（面积加权）", prefix + "k-progress"),
                 kpi_card("在建项目", prefix + "k-building", unit="个"), kpi_card("总投资", prefix + "k-invest", unit="亿元")]),
        html.Div(className="grid-2", children=[
            panel("项目位置与范围（颜色表示状态）", base_map([choropleth_layer(layer_id=prefix + "districts"), html.Div(id=prefix + "layer")],
                                                 map_id=prefix + "map",
                                                 height="520px")),
            chart_card("项目状态", prefix + "by-status", height=520),
        ]),
        html.Div(className="grid-2-even", children=[
            chart_card("分区规划与建成面积（公顷）", prefix + "by-district", height=380),
            chart_card("分区建设进度（面积加权）", prefix + "progress", height=380),
        ]),
        panel("项目清单", data_grid(prefix + "grid", COLUMNS, height=420, file_name=f"{title}.csv")),
    ])


def _grid_rows(df) -> list[dict]:
    out = df.copy()
    out["progress_text"] = [pct(v, 0) for v in out.progress]
    out["planned_end_text"] = out.planned_end.dt.strftime("%Y-%m")
    return out[[c["field"] for c in COLUMNS]].to_dict("records")


def register_project_callbacks(prefix: str, title: str) -> None:
    """The board's callbacks under ``prefix`` (called once at import of the page module)."""
    filters = [Input(prefix + "programs", "value"), Input(prefix + "district", "value"), Input(prefix + "status", "value"),
               Input(prefix + "refresh", "n_intervals")]

    @callback(*[Output(prefix + k, "children") for k in ("k-projects", "k-planned", "k-completed", "k-progress",
                                                          "k-building", "k-invest", "asof")],
              Output(prefix + "by-status", "figure"), Output(prefix + "by-district", "figure"),
              Output(prefix + "progress", "figure"), Output(prefix + "grid", "rowData"), *filters)
    @memo_callback(q.DATASET, "reference", namespace=prefix)
    def refresh(programs, district, status, _tick):
        """KPIs, the status chart, per-district area and progress, and the project grid."""
        scope = district_scope()
        s = q.project_summary(programs or [], district, status, scope=scope)
        by_prog = q.projects_by_program(programs or [], district, scope=scope)
        by_d = q.projects_by_district(programs or [], status, scope=scope)
        status_series = {st: [int(by_prog[(by_prog.program == p) & (by_prog.status == st)].projects.sum())
                              for p in programs or []] for st in PROJECT_STATUSES}
        return (f"{s['projects']:,}", f"{s['planned_ha']:,.1f}", f"{s['completed_ha']:,.1f}", pct(s["progress"]),
                f"{s['by_status']['在建']:,}", f"{s['investment_yi']:,.2f}",
                f"建成率 {pct(s['completion'])}（已建成面积 / 规划面积）",
                figures.stacked_bars(programs or [], status_series, unit=" 个"),
                figures.grouped_bars(by_d.district, {"规划面积": by_d.planned_ha.round(1), "已建成面积": by_d.completed_ha.round(1)}),
                figures.grouped_bars(by_d.district, {"建设进度": by_d.progress.round(4)}, percent=True),
                _grid_rows(q.projects(programs or [], district, status, scope=scope)))

    @callback(*choropleth_outputs(prefix + "districts"), Output(prefix + "layer", "children"), *filters)
    @memo_callback(q.DATASET, "reference", namespace=prefix)
    def draw_map(programs, district, status, _tick):
        """Districts shaded by planned area (restyled through hideout), the project outlines coloured by status."""
        scope = district_scope()
        by_d = q.projects_by_district(programs or [], status, scope=scope)
        values = dict(zip(by_d.district_code, by_d.planned_ha))
        tips = {r.district_code: f"{r.district}：{r.projects} 个项目，规划 {r.planned_ha:,.1f} 公顷，进度 {pct(r.progress)}"
                for r in by_d.itertuples()}
        return (*choropleth_view(values, tips),
                outline_layer(q.project_features(programs or [], district, status, scope=scope),
                              layer_id=prefix + "projects", opacity=0.8))

    @callback(Output({"type": "export-download", "page": prefix}, "data"),
              Input({"type": "export", "page": prefix, "target": ALL, "fmt": ALL}, "n_clicks"),
              State(prefix + "programs", "value"), State(prefix + "district", "value"), State(prefix + "status", "value"),
              prevent_initial_call=True)
    def export(clicks, programs, district, status):
        """Download the project list or the per-district table; every export is audited."""
        trigger = dash.ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks):
            return no_update
        scope = district_scope()
        if trigger["target"] == "projects":
            frame = q.projects(programs or [], district, status, scope=scope)
            frame = frame.assign(progress_text=[pct(v, 0) for v in frame.progress],
                                 planned_end_text=frame.planned_end.dt.strftime("%Y-%m"))
            frame = frame[[c["field"] for c in COLUMNS]].rename(columns={c["field"]: c["headerName"] for c in COLUMNS})
        else:
            frame = q.projects_by_district(programs or [], status, scope=scope).drop(columns="district_code").rename(
                columns={"district": "区", "projects": "项目数", "planned_ha": "规划面积（公顷）",
                         "completed_ha": "已建成面积（公顷）", "progress": "建设进度"})
        audit_export(f"greenspace/{prefix}{trigger['target']}", len(frame), trigger["fmt"])
        return to_download(frame, f"{title}_{EXPORTS[trigger['target']]}", trigger["fmt"])
