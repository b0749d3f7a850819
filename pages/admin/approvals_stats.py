"""审批统计 (issue 6): cases by item, district, status and month; on-time completion, overdue now, average
working days per step and the supervision closure rate. District approvers see their own district only."""
from __future__ import annotations

import datetime as dt

import dash
from dash import ALL, Input, Output, State, callback, dcc, html

from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from queries import approvals as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope
from workflow.catalog import catalog

dash.register_page(__name__, path="/admin/approvals-stats", name="审批统计", order=20,
                   title="审批统计 · 绿容通", category="admin", permission=("approvals.city", "approvals.district"),
                   description="办件按事项、区、状态和月份统计，按时办结率、超期、环节用时与批后监管结案率")

P = "ap-stats-"
YEAR, ITEM, DISTRICT = P + "year", P + "item", P + "district"
K_CASES, K_ONTIME, K_OVERDUE, K_RUNNING, K_CLOSURE = (P + "k-cases", P + "k-ontime", P + "k-overdue",
                                                       P + "k-running", P + "k-closure")
G_ITEM, G_DISTRICT, G_STATE, G_MONTH, G_STEP, GRID = (P + "by-item", P + "by-district", P + "by-state",
                                                      P + "by-month", P + "by-step", P + "grid")
EXPORTS = {"items": "按事项", "districts": "按区", "steps": "环节用时"}
COLUMNS = [{"field": "name", "headerName": "事项"}, {"field": "cases", "headerName": "办件数"},
           {"field": "approved", "headerName": "准予许可"}, {"field": "overdue", "headerName": "当前超期"},
           {"field": "on_time_text", "headerName": "按时办结率"}]


def _options() -> tuple[list[dict], list[dict], list[dict]]:
    years = [{"label": "全部年份", "value": 0}] + [{"label": f"{y} 年", "value": y} for y in q.years()]
    items = [{"label": "全部事项", "value": ""}] + [{"label": it.name, "value": code} for code, it in catalog().items()]
    districts = [{"label": "全市", "value": ""}] + [{"label": name, "value": code}
                                                  for code, name in q.district_names().items()]
    return years, items, districts


def layout(**_query) -> html.Div:
    """Filters, KPI cards, charts by item / district / status / month / step, the table by item."""
    years, items, districts = _options()
    scope = district_scope()
    return html.Div(className="page", children=[
        board_header("审批统计", P, export=export_menu(P, EXPORTS)),
        html.Div(className="filter-bar", children=[
            html.Label("年份", className="filter-label"),
            dcc.Dropdown(id=YEAR, options=years, value=years[1]["value"] if len(years) > 1 else 0, clearable=False,
                         className="filter-dd",
                         style={"width": "130px"}),
            html.Label("事项", className="filter-label"),
            dcc.Dropdown(id=ITEM, options=items, value="", clearable=False, className="filter-dd",
                         style={"width": "300px"}),
            html.Label("区", className="filter-label"),
            dcc.Dropdown(id=DISTRICT, options=districts, value=scope or "", clearable=False, disabled=bool(scope),
                         className="filter-dd", style={"width": "140px"}),
            html.A("审批工作台", href="/admin/approvals/", className="tool-button"),
        ]),
        kpi_row([kpi_card("办件数", K_CASES, unit="件"), kpi_card("按时办结率", K_ONTIME),
                 kpi_card("当前超期", K_OVERDUE, unit="件"), kpi_card("办理中", K_RUNNING, unit="件"),
                 kpi_card("批后监管结案率", K_CLOSURE)]),
        html.Div(className="chart-grid", children=[
            chart_card("各事项办件数", G_ITEM),
            chart_card("各区办件数", G_DISTRICT),
            chart_card("办件状态", G_STATE),
            chart_card("月度受理量", G_MONTH),
        ]),
        chart_card("各环节平均用时（工作日）", G_STEP, height=300),
        panel("分事项统计表", data_grid(GRID, COLUMNS, height=320)),
    ])


def _filters(year, item, district) -> dict:
    return {"year": int(year or 0) or None, "item": item or None, "district": district or None,
            "scope": district_scope()}


def _table(df) -> list[dict]:
    return df.assign(on_time_text=df.on_time_rate.map(pct))[
        ["name", "cases", "approved", "overdue", "on_time_text"]].to_dict("records")


@callback(Output(K_CASES, "children"), Output(K_ONTIME, "children"), Output(K_OVERDUE, "children"),
          Output(K_RUNNING, "children"), Output(K_CLOSURE, "children"),
          Output(G_ITEM, "figure"), Output(G_DISTRICT, "figure"), Output(G_STATE, "figure"), Output(G_MONTH, "figure"),
          Output(G_STEP, "figure"), Output(GRID, "rowData"), Output(P + "asof", "children"),
          Input(YEAR, "value"), Input(ITEM, "value"), Input(DISTRICT, "value"), Input(P + "refresh", "n_intervals"))
@memo_callback(q.DATASET, "reference")
def update(year, item, district, _tick):
    """Everything on the page for the chosen year, item and district (always within the user's scope)."""
    f = _filters(year, item, district)
    df = q.counts(f["year"], item=f["item"], district=f["district"], scope=f["scope"], as_of=dt.date.today())
    s = q.summary(df)
    items, districts, states, months = q.by_item(df), q.by_district(df), q.by_state(df), q.by_month(df)
    steps = q.step_days(f["year"], item=f["item"], district=f["district"], scope=f["scope"])
    sup = q.supervision(f["year"], district=f["district"], scope=f["scope"])
    empty = figures.empty()
    scope_name = q.district_names().get(f["scope"] or f["district"] or "", "全市")
    return (f"{s['cases']:,}", pct(s["on_time_rate"]), f"{s['overdue']:,}", f"{s['running']:,}",
            pct(sup["closure_rate"]),
            figures.bar(items.name, items.cases, unit=" 件", horizontal=True) if len(items) else empty,
            figures.bar(districts.name, districts.cases, unit=" 件") if len(districts) else empty,
            figures.bar(states.label, states.n, unit=" 件") if s["cases"] else empty,
            figures.lines(months.month, {"办件数": months.n}) if len(months) else empty,
            figures.bar(steps.label, steps.avg_days, unit=" 个工作日") if len(steps) else empty,
            _table(items), "范围：" + scope_name)


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(YEAR, "value"), State(ITEM, "value"), State(DISTRICT, "value"), prevent_initial_call=True)
def export(clicks, year, item, district):
    """Download the table by item, by district or the step durations (audited)."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return dash.no_update
    f = _filters(year, item, district)
    if trigger["target"] == "steps":
        frame = q.step_days(f["year"], item=f["item"], district=f["district"], scope=f["scope"]).rename(
            columns={"label": "环节", "steps": "环节数", "avg_days": "平均用时（工作日）"})
    else:
        df = q.counts(f["year"], item=f["item"], district=f["district"], scope=f["scope"], as_of=dt.date.today())
        frame = (q.by_item(df) if trigger["target"] == "items" else q.by_district(df)).drop(columns=["code"]).rename(
            columns={"name": "事项" if trigger["target"] == "items" else "区", "cases": "办件数",
                     "approved": "准予许可", "overdue": "当前超期", "on_time_rate": "按时办结率"})
    audit_export(f"approvals/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"审批统计_{EXPORTS[trigger['target']]}", trigger["fmt"])
