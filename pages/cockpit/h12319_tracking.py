"""12319 诉件跟踪 (module 214): supervised tickets' progress with their timelines, overdue ones marked,
and the hot tickets' ranking with live status."""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, html, no_update

from components.board import board_header, filter_bar, kpi_row, ranked_list
from components.cards import kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from db.hotline12319 import BUSINESS_LINES
from queries import hotline12319 as q
from queries.memo import memo_callback
from security.context import audit_export, audit_view_sensitive, can, district_scope

dash.register_page(__name__, path="/cockpit/12319/tracking", name="12319 诉件跟踪", order=11,
                   title="12319 诉件跟踪 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="督办件办理进度与时间轴、超期标记、热点诉件排行")

P = "h12319-track-"
PERIOD, LINES, REFRESH, GRID, TIMELINE, TIMELINE_TITLE, HOT, DETAIL = (P + k for k in (
    "period", "lines", "refresh", "grid", "timeline", "timeline-title", "hot", "detail"))
DETAIL_FIELDS = [("caller_name", "来电人"), ("caller_phone", "联系电话"), ("channel", "渠道"), ("urgency", "紧急程度"),
                 ("category", "问题分类"), ("address", "地址"), ("content", "诉求内容")]
K_SUPERVISED, K_OVERDUE, K_OPEN, K_HOT = (P + k for k in ("k-sup", "k-overdue", "k-open", "k-hot"))
EXPORTS = {"supervised": "督办件清单", "hot": "热点诉件"}
FILTERS = [Input(PERIOD, "value"), Input(LINES, "value"), Input(REFRESH, "n_intervals")]
COLUMNS = [
    {"field": "ticket_no", "headerName": "工单编号", "minWidth": 150},
    {"field": "received", "headerName": "受理时间", "minWidth": 140},
    {"field": "district", "headerName": "区", "maxWidth": 100},
    {"field": "category", "headerName": "问题分类"},
    {"field": "status", "headerName": "状态", "maxWidth": 90},
    {"field": "deadline", "headerName": "办理时限", "minWidth": 140},
    {"field": "overdue_text", "headerName": "超期", "maxWidth": 80,
     "cellClassRules": {"overdue-cell": "params.value === '超期'"}},
    {"field": "handling_unit", "headerName": "承办单位"},
]


def layout(**_query) -> html.Div:
    """KPIs, the supervised-ticket grid beside the selected ticket's timeline, and the hot ranking."""
    return html.Div(className="page board", children=[
        board_header("12319 诉件跟踪", P, export=export_menu(P, EXPORTS)),
        filter_bar(P, periods=q.PERIODS, default_period="3m", lines=BUSINESS_LINES, back=False),
        kpi_row([kpi_card("督办件", K_SUPERVISED, unit="件"), kpi_card("督办超期", K_OVERDUE, unit="件"),
                 kpi_card("督办未办结", K_OPEN, unit="件"), kpi_card("热点诉件", K_HOT, unit="件")]),
        html.Div(className="grid-2", children=[
            panel("督办件办理进度（点击查看时间轴）", data_grid(GRID, COLUMNS, height=460, file_name="督办件.csv", row_id="ticket_no")),
            panel("工单详情与办理时间轴", html.Div(id=TIMELINE_TITLE, className="caption"), html.Dl(id=DETAIL, className="detail"),
                  html.Ol(id=TIMELINE, className="timeline")),
        ]),
        panel("热点诉件排行（按重复来电数）", html.Div(id=HOT)),
    ])


def _frame(df):
    out = df.copy()
    out["received"] = out["received_at"].dt.strftime("%Y-%m-%d %H:%M")
    out["deadline"] = out["deadline_at"].dt.strftime("%Y-%m-%d %H:%M")
    out["overdue_text"] = out["overdue"].map({True: "超期", False: "正常"})
    return out


@callback(Output(GRID, "rowData"), Output(K_SUPERVISED, "children"), Output(K_OVERDUE, "children"),
          Output(K_OPEN, "children"), Output(K_HOT, "children"), Output(HOT, "children"), Output(P + "asof", "children"),
          *FILTERS)
@memo_callback(q.DATASET, "reference")
def refresh(period, lines, _tick):
    """Supervised tickets (overdue marked), the counts, and the hot ranking with live status."""
    first, last = q.period_months(period)
    sup = _frame(q.supervised(first, last, lines, scope=district_scope(), limit=500))
    hot = q.hot(first, last, lines, scope=district_scope(), limit=15)
    items = [(f"{r.category} · {r.district} · {r.status}", float(r.repeats), f"{int(r.repeats)} 次")
             for r in hot.itertuples()]
    open_count = int((sup["closed_at"].isna()).sum())
    as_of = q.data_span()["as_of"]
    cols = [c["field"] for c in COLUMNS]
    return (sup[cols].to_dict("records"), f"{len(sup):,}", f"{int(sup['overdue'].sum()):,}", f"{open_count:,}",
            f"{len(hot):,}", ranked_list(items, list_id=P + "hot-list"),
            f"数据截至 {as_of:%Y-%m-%d %H:%M}" if as_of else "暂无数据")


@callback(Output(TIMELINE, "children"), Output(TIMELINE_TITLE, "children"), Output(DETAIL, "children"),
          Input(GRID, "cellClicked"), prevent_initial_call=True)
def show_timeline(cell):
    """The clicked ticket: caller (masked unless the role may see clear text, which is audited) and complaint,
    and who did what when."""
    ticket_no = (cell or {}).get("rowId")
    if not ticket_no:
        return no_update, no_update, no_update
    may_see = can("platform.sensitive")
    detail = q.ticket_detail(ticket_no, scope=district_scope(), may_see=may_see)
    if detail is None:
        return [], f"工单 {ticket_no} 不存在或不在您的管辖范围内", []
    if may_see:
        audit_view_sensitive("hotline12319.ticket", ticket_no, ["caller_name", "caller_phone"])
    events = q.timeline(ticket_no, scope=district_scope())
    items = [html.Li([html.Span(f"{e.at:%Y-%m-%d %H:%M}", className="t-time"), html.Span(e.action, className="t-action"),
                      html.Span(e.actor), html.Div(e.note or "", className="caption")]) for e in events.itertuples()]
    fields = [part for key, label in DETAIL_FIELDS
              for part in (html.Dt(label), html.Dd(detail[key] or "—", id=f"{P}d-{key}"))]
    return items or [html.Li("暂无记录")], f"工单 {ticket_no}", fields


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(PERIOD, "value"), State(LINES, "value"), prevent_initial_call=True)
def export(clicks, period, lines):
    """Download the supervised list or the hot ranking (audited)."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    first, last = q.period_months(period)
    if trigger["target"] == "supervised":
        df = _frame(q.supervised(first, last, lines, scope=district_scope(), limit=5000))
        cols = {c["field"]: c["headerName"] for c in COLUMNS}
    else:
        df = q.hot(first, last, lines, scope=district_scope(), limit=200)
        cols = {"ticket_no": "工单编号", "district": "区", "category": "问题分类", "status": "状态", "repeats": "重复来电"}
    frame = df[list(cols)].rename(columns=cols)
    audit_export(f"12319/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"12319_{EXPORTS[trigger['target']]}", trigger["fmt"])
