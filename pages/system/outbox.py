"""对接消息: undelivered messages to other systems (case library, national forestry administration,
One-Netcom, SMS) — pending and dead-lettered — for the system administrator, who can send them again."""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from components.cards import kpi_card, panel
from components.grid import data_grid
from db import db
from integrations.outbox import OutboxError, retry
from queries import outbox as outbox_queries
from security.web import actor, client_ip

dash.register_page(__name__, path="/system/outbox", name="对接消息", title="对接消息 · 绿容通",
                   category="system", order=40, permission="system.users",
                   description="办件库、国家林草局、一网通办等对接消息的投递状态与死信重新投递")

P = "system-outbox-"
STATE, GRID, RETRY, RESULT, REFRESH = (P + k for k in ("state", "grid", "retry", "result", "refresh"))
K_PENDING, K_DEAD, K_DELIVERED = (P + k for k in ("k-pending", "k-dead", "k-delivered"))
COLUMNS = [
    {"field": "id", "headerName": "序号", "maxWidth": 110},
    {"field": "state", "headerName": "状态", "minWidth": 130},
    {"field": "system", "headerName": "对接系统"},
    {"field": "key", "headerName": "幂等键", "minWidth": 200},
    {"field": "attempts", "headerName": "已尝试", "maxWidth": 100},
    {"field": "created_at", "headerName": "产生时间", "minWidth": 160},
    {"field": "next_attempt_at", "headerName": "下次投递", "minWidth": 160},
    {"field": "last_error", "headerName": "最近错误", "minWidth": 260},
]


def layout(**_query) -> html.Div:
    """Counts, a state filter, the grid of undelivered messages and the retry action."""
    grid = data_grid(GRID, COLUMNS, height=480, file_name="对接消息.csv", row_id="id")
    grid.dashGridOptions = {**grid.dashGridOptions, "rowSelection": {
        "mode": "multiRow", "checkboxes": True, "headerCheckbox": True, "enableClickSelection": False}}
    return html.Div(className="page", children=[
        html.Div(className="kpi-row", children=[
            kpi_card("等待投递", K_PENDING, unit="条"), kpi_card("死信", K_DEAD, unit="条"),
            kpi_card("近 24 小时已投递", K_DELIVERED, unit="条"),
        ]),
        panel("未投递消息",
              html.Div(className="toolbar", children=[
                  dcc.Dropdown(id=STATE, placeholder="全部状态", style={"minWidth": "180px"},
                               options=[{"label": v, "value": k} for k, v in outbox_queries.STATES.items()]),
                  html.Button("重新投递", id=RETRY, className="tool-button", n_clicks=0),
                  html.Span(id=RESULT, className="caption"),
              ]),
              grid),
        dcc.Store(id=REFRESH, data=0),
    ])


@callback(Output(GRID, "rowData"), Output(K_PENDING, "children"), Output(K_DEAD, "children"),
          Output(K_DELIVERED, "children"), Input(STATE, "value"), Input(REFRESH, "data"))
def show_messages(state, _refresh):
    """Undelivered messages (filtered by state) and the counts."""
    counts = outbox_queries.outbox_counts()
    rows = outbox_queries.undelivered(state).drop(columns=["dead"]).to_dict("records")
    return rows, f"{counts['pending']:,}", f"{counts['dead']:,}", f"{counts['delivered']:,}"


@callback(Output(RESULT, "children"), Output(REFRESH, "data"), Input(RETRY, "n_clicks"),
          State(GRID, "selectedRows"), State(REFRESH, "data"), prevent_initial_call=True)
def retry_selected(_n, selected, refresh):
    """Queue the selected messages for delivery now (each retry audited)."""
    if not selected:
        return "请先勾选要重新投递的消息", dash.no_update
    try:
        with db.session() as s:
            for row in selected:
                retry(s, int(row["id"]), actor=actor(), source_ip=client_ip())
    except OutboxError as exc:
        return str(exc), dash.no_update
    return f"已重新排队 {len(selected)} 条消息，将由投递程序立即投递", (refresh or 0) + 1
