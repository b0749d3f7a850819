"""审计日志: the audit chain and security alarms, for the security auditor only (module 257)."""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from components.cards import kpi_card, panel
from components.grid import data_grid
from queries import audit as audit_queries
from security.audit import verify_current

dash.register_page(__name__, path="/system/audit", name="审计日志", title="审计日志 · 绿容通",
                   category="system", order=30, permission="audit.view",
                   description="登录、操作、权限变更与告警的防篡改审计记录")

P = "system-audit-"
ACTION, OUTCOME, USER, DAYS, GRID, ALARMS = (P + k for k in ("action", "outcome", "user", "days", "grid", "alarms"))
VERIFY, VERIFY_RESULT = P + "verify", P + "verify-result"
K_TOTAL, K_FAIL, K_DENIED, K_ALARM = (P + k for k in ("k-total", "k-fail", "k-denied", "k-alarm"))
COLUMNS = [
    {"field": "seq", "headerName": "序号", "maxWidth": 90},
    {"field": "at", "headerName": "时间", "minWidth": 160},
    {"field": "username", "headerName": "用户"},
    {"field": "source_ip", "headerName": "来源地址"},
    {"field": "action", "headerName": "操作"},
    {"field": "object_type", "headerName": "对象类型"},
    {"field": "object_id", "headerName": "对象"},
    {"field": "outcome_zh", "headerName": "结果", "maxWidth": 90},
    {"field": "detail", "headerName": "详情", "minWidth": 200},
]
ALARM_COLUMNS = [{"field": "at", "headerName": "时间"}, {"field": "kind", "headerName": "类型"},
                 {"field": "detail", "headerName": "详情", "minWidth": 300}]


def layout(**_query) -> html.Div:
    """Counts, filters, the record grid, the chain check and open alarms."""
    return html.Div(className="page", children=[
        html.Div(className="kpi-row", children=[
            kpi_card("近 30 天记录", K_TOTAL, unit="条"), kpi_card("失败", K_FAIL, unit="次"),
            kpi_card("拒绝访问", K_DENIED, unit="次"), kpi_card("未处理告警", K_ALARM, unit="条"),
        ]),
        panel("审计记录",
              html.Div(className="toolbar", children=[
                  dcc.Dropdown(id=ACTION, placeholder="全部操作", style={"minWidth": "200px"}),
                  dcc.Dropdown(id=OUTCOME, placeholder="全部结果", style={"minWidth": "140px"},
                               options=[{"label": v, "value": k} for k, v in audit_queries.OUTCOMES.items()]),
                  dcc.Input(id=USER, placeholder="用户名", debounce=True, type="text"),
                  dcc.Dropdown(id=DAYS, value=30, clearable=False, style={"minWidth": "120px"},
                               options=[{"label": f"近 {d} 天", "value": d} for d in (1, 7, 30, 180)]),
                  html.Button("校验审计链", id=VERIFY, className="tool-button", n_clicks=0),
                  html.Span(id=VERIFY_RESULT, className="caption"),
              ]),
              data_grid(GRID, COLUMNS, height=480, file_name="审计日志.csv")),
        panel("安全告警", data_grid(ALARMS, ALARM_COLUMNS, height=240, file_name="安全告警.csv")),
    ])


@callback(Output(GRID, "rowData"), Output(ACTION, "options"), Output(K_TOTAL, "children"),
          Output(K_FAIL, "children"), Output(K_DENIED, "children"), Output(K_ALARM, "children"),
          Output(ALARMS, "rowData"),
          Input(ACTION, "value"), Input(OUTCOME, "value"), Input(USER, "value"), Input(DAYS, "value"))
def show_records(action, outcome, user, days):
    """Filtered records, counts by outcome and the open alarms."""
    records = audit_queries.audit_records(action=action, outcome=outcome, username=user, days=days or 30)
    counts = audit_queries.audit_counts(days or 30)
    alarms = audit_queries.open_alarms()
    return (records.to_dict("records"), audit_queries.audit_actions(), f"{sum(counts.values()):,}",
            f"{counts.get('failure', 0):,}", f"{counts.get('denied', 0):,}", f"{len(alarms):,}",
            alarms.to_dict("records"))


@callback(Output(VERIFY_RESULT, "children"), Input(VERIFY, "n_clicks"), State(DAYS, "value"),
          prevent_initial_call=True)
def check_chain(_n, _days):
    """Recompute the whole chain and say whether it is intact."""
    report = verify_current()
    if report.ok:
        return f"审计链完整：已校验 {report.checked:,} 条记录"
    return f"审计链被破坏：第 {report.first_broken_seq} 条，{report.reason}"
