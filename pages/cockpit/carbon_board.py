"""The frame every carbon sink board (217–222) shares: round, site and district filters, the drill back to the
city, the header texts, number formats and the audited export. Each board page builds its own charts on it."""
from __future__ import annotations

from typing import Callable

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components.board import board_header, kpi_row
from components.export import export_menu, to_download
from queries import carbon_sink as q
from queries import reference
from security.context import audit_export, district_scope

# Callbacks registered here serve the carbon boards: /_dash-update-component checks this permission for callbacks
# defined outside a registered page module (security.web.callback_owner).
CALLBACK_PERMISSION = "cockpit.view"
SITE_OPTIONS = q.site_options()


def ids(prefix: str) -> dict[str, str]:
    """The ids of the shared widgets of a board with ``prefix``."""
    return {k: prefix + k for k in ("round", "site", "district", "back", "crumb", "asof", "refresh")}


def filter_inputs(prefix: str) -> list[Input]:
    """Round, site, district and the refresh tick: the inputs of every chart callback."""
    i = ids(prefix)
    return [Input(i["round"], "value"), Input(i["site"], "value"), Input(i["district"], "value"),
            Input(i["refresh"], "n_intervals")]


def layout_frame(title: str, prefix: str, *, kpis: list, body: list, exports: dict[str, str],
                 extra_filters: list | None = None) -> html.Div:
    """Header with export menu, the filter bar, KPI cards and the board's own panels."""
    i = ids(prefix)
    rounds = q.rounds()
    scope = district_scope()
    districts = reference.districts()
    if scope:
        districts = districts[districts.code == scope]
    return html.Div(className="page board", children=[
        board_header(title, prefix, export=export_menu(prefix, exports)),
        html.Div(className="filter-bar", children=[
            html.Label("监测轮次", className="filter-label"),
            dcc.Dropdown(id=i["round"], options=[{"label": r.name, "value": int(r.round_no)} for r in rounds.itertuples()],
                         value=q.latest_round(), clearable=False, className="filter-dd", style={"width": "180px"}),
            html.Label("绿地类型", className="filter-label"),
            dcc.Dropdown(id=i["site"], options=SITE_OPTIONS, value=None, placeholder="全部类型",
                         className="filter-dd", style={"width": "140px"}),
            html.Label("区", className="filter-label"),
            dcc.Dropdown(id=i["district"], options=[{"label": d.name, "value": d.code} for d in districts.itertuples()],
                         value=scope, placeholder="全市", disabled=bool(scope), className="filter-dd",
                         style={"width": "140px"}),
            *(extra_filters or []),
            html.Span(id=i["crumb"], className="crumb"),
            html.Button("返回全市", id=i["back"], n_clicks=0, className="tool-button"),
        ]),
        kpi_row(kpis),
        *body,
    ])


def register_drill(prefix: str, map_layer_id: str | None = None) -> None:
    """返回全市 clears the district; on a board with a map, clicking a district polygon selects it."""
    i = ids(prefix)
    inputs = [Input(i["back"], "n_clicks")]
    if map_layer_id:
        inputs.append(Input(map_layer_id, "clickData"))

    @callback(Output(i["district"], "value"), *inputs, prevent_initial_call=True)
    def drill(_back, click=None):
        """Back to the city, or into the clicked district (a district-scoped user stays in theirs)."""
        if district_scope():
            return district_scope()
        if dash.ctx.triggered_id == i["back"]:
            return None
        code = ((click or {}).get("properties") or {}).get("code", "")
        return code if len(code) == 6 else no_update


def context(round_no, district) -> tuple[int | None, str | None, str, str]:
    """(round, effective district, breadcrumb, as-of text) for a callback's filters."""
    round_no = round_no if round_no is not None else q.latest_round()
    district = reference.effective_district(district, district_scope())
    name = reference.districts().set_index("code")["name"].get(district, "全市") if district else "全市"
    rounds = q.rounds().set_index("round_no")
    as_of = (f"{rounds.loc[round_no, 'name']}（{pd.Timestamp(rounds.loc[round_no, 'surveyed_on']):%Y-%m-%d}）"
             if round_no in rounds.index else "暂无监测数据")
    return round_no, district, f"当前范围：{name}", as_of


def register_export(prefix: str, slug: str, exports: dict[str, str],
                    frame: Callable[[str, int | None, str | None, str | None], pd.DataFrame]) -> None:
    """The page's export buttons: CSV or XLSX of ``frame(target, round, site, district)``; every export audited."""
    i = ids(prefix)

    @callback(Output({"type": "export-download", "page": prefix}, "data"),
              Input({"type": "export", "page": prefix, "target": ALL, "fmt": ALL}, "n_clicks"),
              State(i["round"], "value"), State(i["site"], "value"), State(i["district"], "value"),
              prevent_initial_call=True)
    def export(clicks, round_no, site, district):
        """Download the table behind a chart."""
        trigger = dash.ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks):
            return no_update
        df = frame(trigger["target"], round_no, site, reference.effective_district(district, district_scope()))
        audit_export(f"carbon/{slug}/{trigger['target']}", len(df), trigger["fmt"])
        return to_download(df, f"园林碳汇_{exports[trigger['target']]}", trigger["fmt"])


def num(value, digits: int = 0) -> str:
    """A figure with thousands separators ("—" when unknown)."""
    if value is None or value != value:
        return "—"
    return f"{value:,.{digits}f}"


def site_label(site: str | None) -> str:
    """The Chinese label of a site kind."""
    return dict((o["value"], o["label"]) for o in SITE_OPTIONS).get(site, site or "全部")
