"""12319 诉件分布实况 (module 213): tickets by district on the map and by business line; drill to streets.

For leaders on the wall display and analysts: period and line filters, click a district to see its
streets and categories, 返回全市 to go back; auto-refresh; export of every table shown.
"""
from __future__ import annotations

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components import figures
from components.board import board_header, filter_bar, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from queries.memo import memo_callback
from db.hotline12319 import BUSINESS_LINES
from layers.basemap import base_map
from layers.choropleth import choropleth_layer, choropleth_outputs, choropleth_view
from queries import hotline12319 as q
from queries import reference
from security.context import audit_export, can, district_scope

dash.register_page(__name__, path="/cockpit/12319/distribution", name="12319 诉件分布", order=10,
                   title="12319 诉件分布实况 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="各区、街镇、业务条线的诉件分布，点击地图下钻")

P = "h12319-dist-"
DISTRICT, PERIOD, LINES, BACK, CRUMB, ASOF, REFRESH = (P + k for k in
                                                       ("district", "period", "lines", "back", "crumb", "asof", "refresh"))
GEOJSON, LINE_CHART, CATEGORY_CHART, TREND_CHART = (P + k for k in ("geojson", "by-line", "by-category", "trend"))
K_RECEIVED, K_CLOSED, K_ONTIME, K_SATISFIED, K_SUPERVISED, K_OVERDUE = (P + k for k in
                                                                       ("k-received", "k-closed", "k-ontime", "k-sat",
                                                                        "k-sup", "k-overdue"))
EXPORTS = {"district": "分区统计", "line": "条线统计", "category": "问题分类"}
FILTERS = [Input(PERIOD, "value"), Input(LINES, "value"), Input(DISTRICT, "data"), Input(REFRESH, "n_intervals")]


def layout(**_query) -> html.Div:
    """Header, filters, KPIs, the map beside the line chart, then categories and the monthly trend."""
    return html.Div(className="page board", children=[
        dcc.Store(id=DISTRICT, data=None),
        board_header("12319 诉件分布实况", P, export=html.Div(className="toolbar", children=[
            html.A("住建委场景共享", href="/admin/share/hotline12319", className="tool-link share-link")
            if can("cockpit.export") else None,
            export_menu(P, EXPORTS)])),
        filter_bar(P, periods=q.PERIODS, default_period="12m", lines=BUSINESS_LINES),
        kpi_row([kpi_card("受理量", K_RECEIVED, unit="件"), kpi_card("办结量", K_CLOSED, unit="件"),
                 kpi_card("按时办结率", K_ONTIME), kpi_card("满意率", K_SATISFIED),
                 kpi_card("督办件", K_SUPERVISED, unit="件"), kpi_card("超期未办结", K_OVERDUE, unit="件")]),
        html.Div(className="grid-2", children=[
            panel("诉件分布地图（点击区下钻）", base_map([choropleth_layer(layer_id=GEOJSON)], map_id=P + "map", height="520px")),
            chart_card("业务条线", LINE_CHART, height=520),
        ]),
        html.Div(className="grid-2-even", children=[
            chart_card("问题分类 TOP15", CATEGORY_CHART, height=400),
            chart_card("月度受理趋势", TREND_CHART, height=400),
        ]),
    ])


def _district_filter(district):
    return reference.effective_district(district, district_scope())


@callback(Output(DISTRICT, "data"), Input(GEOJSON, "clickData"), Input(BACK, "n_clicks"), prevent_initial_call=True)
def drill(click, _back):
    """A click on a district drills into it; 返回全市 goes back."""
    if dash.ctx.triggered_id == BACK:
        return None
    code = ((click or {}).get("properties") or {}).get("code", "")
    return code if len(code) == 6 else no_update


@callback(Output(K_RECEIVED, "children"), Output(K_CLOSED, "children"), Output(K_ONTIME, "children"),
          Output(K_SATISFIED, "children"), Output(K_SUPERVISED, "children"), Output(K_OVERDUE, "children"),
          Output(CRUMB, "children"), Output(ASOF, "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def kpis(period, lines, district, _tick):
    """The headline figures for the period, lines and district chosen."""
    first, last = q.period_months(period)
    district = _district_filter(district)
    s = q.summary(first, last, lines, district, scope=district_scope()).iloc[0]
    overdue = q.open_overdue_count(lines, district, scope=district_scope())
    name = reference.districts().set_index("code")["name"].get(district, "全市") if district else "全市"
    as_of = q.data_span()["as_of"]
    return (f"{int(s.received):,}", f"{int(s.closed):,}", pct(s.on_time_rate), pct(s.satisfaction_rate),
            f"{int(s.supervised):,}", f"{overdue:,}", f"当前范围：{name}",
            f"数据截至 {as_of:%Y-%m-%d %H:%M}，{first:%Y年%m月}—{last:%Y年%m月}" if as_of else "暂无数据")


@callback(*choropleth_outputs(GEOJSON), *FILTERS)
@memo_callback(q.DATASET, "reference")
def draw_map(period, lines, district, _tick):
    """Districts coloured by tickets received, or the drilled district's (approximate) streets: only the
    values and tooltips travel; the boundaries come once by URL."""
    first, last = q.period_months(period)
    district = _district_filter(district)
    if district:
        streets = q.by_street(district, first, last, lines, scope=district_scope())
        values = dict(zip(streets.street_code, streets.received))
        names = reference.streets(district).set_index("code")["name"]
        tips = {code: f"{name}：{int(values.get(code, 0)):,} 件" for code, name in names.items()}
        return choropleth_view(values, tips, district=district)
    df = q.by_district(first, last, lines, scope=district_scope())
    values = dict(zip(df.district_code, df.received))
    tips = {r.district_code: f"{r.name}：{int(r.received):,} 件，满意率 {pct(r.satisfaction_rate)}" for r in df.itertuples()}
    return choropleth_view(values, tips)


@callback(Output(LINE_CHART, "figure"), Output(CATEGORY_CHART, "figure"), Output(TREND_CHART, "figure"), *FILTERS)
@memo_callback(q.DATASET)
def charts(period, lines, district, _tick):
    """Business lines, the largest categories and the monthly trend by line."""
    first, last = q.period_months(period)
    district, scope = _district_filter(district), district_scope()
    by_line = q.by_line(first, last, district, scope=scope)
    cats = q.by_category(first, last, lines, district, scope=scope)
    trend = q.monthly_by_line(first, last, district, scope=scope)
    if lines:
        trend = trend[trend.business_line.isin(lines)]
    series = {line: trend[trend.business_line == line].set_index("month")["received"] for line in trend.business_line.unique()}
    months = sorted(pd.to_datetime(trend.month.unique()))
    return (figures.bar(by_line.business_line, by_line.received, horizontal=True, unit=" 件"),
            figures.bar(cats.category, cats.received, horizontal=True, unit=" 件"),
            figures.stacked_bars([f"{m:%Y-%m}" for m in months],
                                 {k: v.reindex(months, fill_value=0).tolist() for k, v in series.items()}, unit=" 件"))


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"),
          State(PERIOD, "value"), State(LINES, "value"), State(DISTRICT, "data"), prevent_initial_call=True)
def export(_clicks, period, lines, district):
    """Download the table behind a chart, as CSV or XLSX; every export is audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(_clicks):
        return no_update
    frame = export_frame(trigger["target"], period, lines, district)
    audit_export(f"12319/{trigger['target']}", len(frame), trigger["fmt"])
    return to_download(frame, f"12319_{EXPORTS[trigger['target']]}", trigger["fmt"])


def export_frame(target: str, period, lines, district):
    """The table of one export target, with Chinese headers."""
    first, last = q.period_months(period)
    district, scope = _district_filter(district), district_scope()
    if target == "district":
        df = q.by_district(first, last, lines, scope=scope)
        cols = {"name": "区", "received": "受理量", "closed": "办结量", "on_time_rate": "按时办结率",
                "satisfaction_rate": "满意率", "supervised": "督办件"}
    elif target == "line":
        df = q.by_line(first, last, district, scope=scope)
        cols = {"business_line": "业务条线", "received": "受理量", "closed": "办结量", "on_time_rate": "按时办结率",
                "satisfaction_rate": "满意率"}
    else:
        df = q.by_category(first, last, lines, district, scope=scope, n=1000)
        cols = {"business_line": "业务条线", "category": "问题大类", "received": "受理量", "closed": "办结量"}
    return df[list(cols)].rename(columns=cols)
