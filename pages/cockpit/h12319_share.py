"""12319 住建委场景共享 (module 216): the read-only view opened through a share link that expires.

The visitor has no account; they see only the business lines shared with them, with no export and no
way into the rest of the platform. Links are made and revoked at /admin/share/hotline12319.
"""
from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from components import figures
from components.board import board_header, kpi_row, pct
from components.cards import chart_card, kpi_card, panel
from layers.basemap import base_map
from layers.choropleth import choropleth_hideout, choropleth_layer
from queries import hotline12319 as q
from queries import reference
from queries.memo import memo_callback
from security.context import display_name, shared_scope

dash.register_page(__name__, path="/share/12319", name="12319 住建委场景共享", order=90,
                   title="12319 场景共享 · 绿容通", category="shared", permission="share.hotline12319",
                   description="住建委只读共享视图")

P = "h12319-share-"
PERIOD, REFRESH, GEOJSON, LINES_CHART, SAT_CHART, SCOPE = (P + k for k in
                                                           ("period", "refresh", "geojson", "lines", "sat", "scope"))
K_RECEIVED, K_ONTIME, K_SATISFIED = (P + k for k in ("k-received", "k-ontime", "k-sat"))


def layout(**_query) -> html.Div:
    """KPIs, the district map and the shared lines' figures, read-only."""
    return html.Div(className="page board", children=[
        board_header("12319 住建委场景共享（只读）", P),
        html.Div(className="filter-bar", children=[
            html.Label("时间", className="filter-label"),
            dcc.Dropdown(id=PERIOD, value="12m", clearable=False, style={"width": "140px"},
                         options=[{"label": v[0], "value": k} for k, v in q.PERIODS.items()]),
            html.Span(id=SCOPE, className="crumb"),
        ]),
        kpi_row([kpi_card("受理量", K_RECEIVED, unit="件"), kpi_card("按时办结率", K_ONTIME),
                 kpi_card("满意率", K_SATISFIED)]),
        html.Div(className="grid-2", children=[
            panel("诉件分布", base_map([_district_layer()], map_id=P + "map", height="480px")),
            chart_card("共享条线受理量", LINES_CHART, height=480),
        ]),
        chart_card("各区满意率", SAT_CHART, height=340),
    ])


def _district_layer():
    """The district boundaries, inline in the layout once (a share visitor has no access to the boundary
    route); the callback only restyles them."""
    return choropleth_layer(layer_id=GEOJSON, data={"type": "FeatureCollection",
                                                     "features": reference.district_features()})


@callback(Output(K_RECEIVED, "children"), Output(K_ONTIME, "children"), Output(K_SATISFIED, "children"),
          Output(GEOJSON, "hideout"), Output(LINES_CHART, "figure"), Output(SAT_CHART, "figure"),
          Output(SCOPE, "children"), Output(P + "asof", "children"),
          Input(PERIOD, "value"), Input(REFRESH, "n_intervals"))
@memo_callback(q.DATASET, "reference")
def shared_view(period, _tick):
    """Everything on the page, limited on the server to the lines in the link's scope."""
    lines = (shared_scope() or {}).get("lines") or ["__none__"]
    first, last = q.period_months(period)
    s = q.summary(first, last, lines).iloc[0]
    by_district = q.by_district(first, last, lines)
    by_line = q.by_line(first, last)
    by_line = by_line[by_line.business_line.isin(lines)]
    tips = {r.district_code: f"{r.name}：{int(r.received):,} 件" for r in by_district.itertuples()}
    hideout = choropleth_hideout(dict(zip(by_district.district_code, by_district.received)), tips)
    as_of = q.data_span()["as_of"]
    return (f"{int(s.received):,}", pct(s.on_time_rate), pct(s.satisfaction_rate), hideout,
            figures.bar(by_line.business_line, by_line.received, horizontal=True, unit=" 件"),
            figures.bar(by_district.name, by_district.satisfaction_rate.fillna(0).round(4)),
            f"共享对象：{display_name()}；共享条线：{'、'.join(lines)}",
            f"数据截至 {as_of:%Y-%m-%d %H:%M}" if as_of else "暂无数据")
