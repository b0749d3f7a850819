"""The renovation-waste board's shared frame: period and district filters, and the audited export callback."""
from __future__ import annotations

from typing import Callable

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components.board import period_options
from components.export import to_download
from security.context import audit_export

# The export callback registered here serves cockpit pages: /_dash-update-component checks this permission for
# callbacks defined outside a page module (security.web.callback_owner).
CALLBACK_PERMISSION = "cockpit.view"


def district_filter_bar(prefix: str, *, districts: dict[str, str], scope: str | None, periods: dict | None = None,
                        default_period: str = "", extra=None) -> html.Div:
    """Period (when ``periods``) and district filters (a district-scoped user's district fixed), the scope
    caption and any extra controls."""
    period = [html.Label("时间", className="filter-label"),
              dcc.Dropdown(id=f"{prefix}period", options=period_options(periods), value=default_period,
                           clearable=False, className="filter-dd", style={"width": "140px"})] if periods else []
    return html.Div(className="filter-bar", children=[
        *period,
        html.Label("区", className="filter-label"),
        dcc.Dropdown(id=f"{prefix}district", options=[{"label": n, "value": c} for c, n in districts.items()],
                     value=scope, disabled=bool(scope), placeholder="全市", className="filter-dd",
                     style={"width": "160px"}),
        extra,
        html.Span(id=f"{prefix}crumb", className="crumb"),
    ])


def scope_caption(district: str | None, districts: dict[str, str], first, last) -> tuple[str, str]:
    """The breadcrumb ("当前范围：…") and the "as of" caption for a period."""
    name = districts.get(district, "全市") if district else "全市"
    asof = f"数据截至 {last:%Y-%m-%d}，{first:%Y年%m月}—{last:%Y年%m月}" if last else "暂无数据"
    return f"当前范围：{name}", asof


def register_export(prefix: str, targets: dict[str, str], frame: Callable[..., pd.DataFrame], states: list) -> None:
    """Wire the export menu of a page: ``frame(target, *state values)`` gives the table; every export is audited."""

    @callback(Output({"type": "export-download", "page": prefix}, "data"),
              Input({"type": "export", "page": prefix, "target": ALL, "fmt": ALL}, "n_clicks"),
              *[State(i, p) for i, p in states], prevent_initial_call=True)
    def export(clicks, *values):
        trigger = dash.ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks):
            return no_update
        table = frame(trigger["target"], *values)
        audit_export(f"renovation/{trigger['target']}", len(table), trigger["fmt"])
        return to_download(table, f"装修垃圾_{targets[trigger['target']]}", trigger["fmt"])
