"""生态调查监测成果分析 (module 232): monitored indicators (waterbirds, vegetation cover, water quality) over
ten years, with the Mann-Kendall trend test, Sen's slope and Pettitt's change point for every site.
"""
from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, callback, html, no_update

from components import figures
from components.board import board_header, kpi_row
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu, to_download
from components.grid import data_grid
from components.selectors import selector, selector_bar
from queries import wildlife as q
from queries.memo import memo_callback
from security.context import audit_export, district_scope

dash.register_page(__name__, path="/cockpit/wildlife/monitoring", name="生态监测成果", order=32,
                   title="生态调查监测成果分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="监测指标的变化趋势、显著性检验与突变点")

P = "wl-mon-"
INDICATOR, SITE, ASOF, REFRESH = (P + k for k in ("indicator", "site", "asof", "refresh"))
SERIES_CHART, ANNUAL_CHART, GRID = (P + k for k in ("series", "annual", "grid"))
K_TREND, K_Z, K_P, K_SLOPE, K_CHANGE = (P + k for k in ("k-trend", "k-z", "k-p", "k-slope", "k-change"))
EXPORTS = {"trends": "趋势检验结果"}
COLUMNS = [{"field": "site", "headerName": "样点", "minWidth": 200}, {"field": "indicator", "headerName": "指标"},
           {"field": "trend", "headerName": "趋势"}, {"field": "z", "headerName": "MK Z"},
           {"field": "p", "headerName": "p 值"}, {"field": "sen_slope", "headerName": "Sen 斜率（/年）"},
           {"field": "change_year", "headerName": "突变年份"}, {"field": "change_p", "headerName": "Pettitt p"}]
FILTERS = [Input(INDICATOR, "value"), Input(SITE, "value"), Input(REFRESH, "n_intervals")]


def layout(**_query) -> html.Div:
    """Indicator and site choices, the test results as KPIs, monthly and annual charts, the trend table."""
    scope = district_scope()
    inds = q.indicators(scope=scope)
    sites = q.monitored_sites(scope=scope)
    return html.Div(className="page board", children=[
        board_header("生态调查监测成果分析", P, export=export_menu(P, EXPORTS)),
        selector_bar(selector("指标", INDICATOR, inds, "水鸟数量" if "水鸟数量" in inds else (inds[0] if inds else None),
                              width="150px"),
                     selector("样点", SITE, [{"label": r.name, "value": r.code} for r in sites.itertuples()],
                              None, width="260px", clearable=True, placeholder="各样点平均")),
        kpi_row([kpi_card("趋势（MK 检验）", K_TREND), kpi_card("Z 统计量", K_Z), kpi_card("p 值", K_P),
                 kpi_card("Sen 斜率", K_SLOPE, unit="/年"), kpi_card("突变年份（Pettitt）", K_CHANGE)]),
        html.Div(className="grid-2-even", children=[
            chart_card("月度监测值", SERIES_CHART, height=360),
            chart_card("年均值与 Sen 趋势线", ANNUAL_CHART, height=360),
        ]),
        panel("各样点各指标趋势检验", data_grid(GRID, COLUMNS, height=420, file_name="趋势检验.csv")),
    ])


@callback(Output(K_TREND, "children"), Output(K_Z, "children"), Output(K_P, "children"),
          Output(K_SLOPE, "children"), Output(K_CHANGE, "children"), Output(SERIES_CHART, "figure"),
          Output(ANNUAL_CHART, "figure"), Output(ASOF, "children"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def indicator(name, site, _tick):
    """The test results and charts of one indicator (a site's, or the mean of the sites)."""
    from analytics.trend import mann_kendall, pettitt

    scope = district_scope()
    monthly = q.indicator_series(name, site, scope=scope) if name else None
    if monthly is None or monthly.empty:
        return "—", "—", "—", "—", "—", figures.empty(), figures.empty(), "暂无监测数据"
    annual = q.annual_series(name, site, scope=scope)
    mk, pt = mann_kendall(annual.value), pettitt(annual.value)
    unit = monthly.unit.iloc[0]
    change = str(annual.year.iloc[pt.index + 1]) if pt.p < 0.05 else "无显著突变"
    fig = figures.lines(annual.year.astype(str), {f"年均值（{unit}）": annual.value.round(3)})
    mid = annual.value.median() - mk.slope * (annual.year.median() - annual.year)
    fig.add_trace(go.Scatter(x=annual.year.astype(str), y=mid.round(3), name="Sen 趋势线", mode="lines",
                             line={"dash": "dash"}))
    if pt.p < 0.05:
        fig.add_vline(x=pt.index + 0.5, line_dash="dot", line_color="#d9534f")
    last = monthly.month.max()
    return (mk.trend, f"{mk.z:.2f}", f"{mk.p:.3f}", f"{mk.slope:+.3g}", change,
            figures.lines(monthly.month.dt.strftime("%Y-%m"), {f"{name}（{unit}）": monthly.value.round(3)}), fig,
            f"监测数据截至 {last:%Y年%m月}")


@callback(Output(GRID, "rowData"), Input(REFRESH, "n_intervals"))
@memo_callback(q.DATASET, "reference")
def table(_tick):
    """Every site × indicator with its test results."""
    df = q.trends(scope=district_scope())
    return df.round({"z": 2, "p": 4, "sen_slope": 4, "change_p": 4}).to_dict("records") if len(df) else []


@callback(Output({"type": "export-download", "page": P}, "data"),
          Input({"type": "export", "page": P, "target": ALL, "fmt": ALL}, "n_clicks"), prevent_initial_call=True)
def export(clicks):
    """Download the trend table; audited."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    df = q.trends(scope=district_scope())
    frame = df[[c["field"] for c in COLUMNS]].rename(columns={c["field"]: c["headerName"] for c in COLUMNS})
    audit_export("wildlife/monitoring", len(frame), trigger["fmt"])
    return to_download(frame, "生态监测_趋势检验", trigger["fmt"])
